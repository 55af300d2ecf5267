"""Every page type: no axe-core violations (light and dark), no sideways scrolling on a
phone, no third-party requests, no console errors or CSP violations; plus screenshots."""

from http import HTTPStatus

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from guide import demo
from guide.models import Character, Prediction, Season, Show, Theory
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FAN = "axe_fan"


def public_pages() -> dict[str, tuple[str, HTTPStatus]]:
    """Page type -> (URL, expected status), for an anonymous visitor."""
    show = Show.objects.get(slug=demo.SHOW_SLUG)
    season_2 = Season.objects.get(show=show, number=2)
    character = Character.objects.get(show=show, slug="choi-nam-ra")
    theory = Theory.objects.filter(season=season_2, author__isnull=False).order_by("pk").first()
    fan = theory.author
    question = Prediction.objects.questions().first()
    settled = Prediction.objects.filter(season__number=1).exclude(resolution="open").first()
    return {
        "home": (reverse("guide:home"), HTTPStatus.OK),
        "show": (show.get_absolute_url(), HTTPStatus.OK),
        "season guide": (season_2.get_absolute_url(), HTTPStatus.OK),
        "character": (character.get_absolute_url(), HTTPStatus.OK),
        "theory list": (reverse("guide:theory_list"), HTTPStatus.OK),
        "theory": (theory.get_absolute_url(), HTTPStatus.OK),
        "profile": (reverse("accounts:profile", args=[fan.username]), HTTPStatus.OK),
        "leaderboard": (reverse("guide:leaderboard"), HTTPStatus.OK),
        "questions": (reverse("guide:question_list"), HTTPStatus.OK),
        "question": (question.get_absolute_url(), HTTPStatus.OK),
        "resolved prediction": (settled.get_absolute_url(), HTTPStatus.OK),
        "a claim's history": (
            reverse("guide:prediction_history", args=[settled.pk]),
            HTTPStatus.OK,
        ),
        "a season's leaderboard": (
            reverse("guide:leaderboard") + f"?show={show.slug}&season=1",
            HTTPStatus.OK,
        ),
        "forecaster's profile": (
            reverse("accounts:profile", args=[settled.author.username]),
            HTTPStatus.OK,
        ),
        "search": (reverse("guide:search") + "?q=namra", HTTPStatus.OK),
        "sign-up": (reverse("accounts:signup"), HTTPStatus.OK),
        "login": (reverse("accounts:login"), HTTPStatus.OK),
        "404": ("/no-such-page/", HTTPStatus.NOT_FOUND),
    }


def open_page(page, url: str, status: HTTPStatus) -> None:
    if status != HTTPStatus.OK:
        page.context.watch.expect_failure(url)
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}, not {status}"


def open_theory_form_with_errors(page) -> None:
    """While logged in, submit the post-theory form empty: it comes back with errors."""
    url = reverse("guide:theory_create")
    page.goto(url)
    page.context.watch.expect_failure(url)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Post theory").click()
    assert navigation.value.status == HTTPStatus.BAD_REQUEST
    assert page.locator(".errorlist").count() >= 1


def page_is_dark(page) -> bool:
    red, green, blue = page.evaluate(
        "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    return red + green + blue < 3 * 128


def describe(violations_by_page: dict[str, str]) -> str:
    return "\n\n".join(f"=== {name} ===\n{report}" for name, report in violations_by_page.items())


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page_type(new_context, color_scheme):
    UserFactory(username=FAN)
    axe = Axe()
    failures: dict[str, str] = {}

    def check(page, name: str) -> None:
        results = axe.run(page)
        print(f"axe [{color_scheme}] {name}: {results.violations_count} violation(s)")
        if results.violations_count:
            failures[f"{name} ({color_scheme}) {page.url}"] = results.generate_report()

    visitor = new_context(color_scheme=color_scheme)
    page = visitor.new_page()
    for name, (url, status) in public_pages().items():
        open_page(page, url, status)
        if name == "home":
            # The run is only worth doing twice if the page follows the device's scheme.
            assert page_is_dark(page) is (color_scheme == "dark")
        check(page, name)

    fan = new_context(color_scheme=color_scheme)
    fan_page = fan.new_page()
    log_in(fan_page, FAN, PASSWORD)
    open_theory_form_with_errors(fan_page)
    check(fan_page, "post-theory form with errors")

    for context in (visitor, fan):
        if outside := context.watch.outside_requests():
            failures["requests that left the live server"] = "\n".join(outside)
        if errors := context.watch.errors:
            failures["console errors (a CSP violation logs one)"] = "\n".join(errors)
    assert failures == {}, describe(failures)


def test_no_horizontal_scrolling_on_a_phone(new_context):
    UserFactory(username=FAN)
    too_wide: dict[str, tuple[int, int]] = {}

    def measure(page, name: str) -> None:
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            too_wide[name] = (scroll_width, inner_width)

    phone = {"viewport": {"width": 360, "height": 740}}
    visitor = new_context(**phone)
    page = visitor.new_page()
    for name, (url, status) in public_pages().items():
        open_page(page, url, status)
        measure(page, name)

    fan = new_context(**phone)
    fan_page = fan.new_page()
    log_in(fan_page, FAN, PASSWORD)
    measure(fan_page, "home (signed in)")
    open_theory_form_with_errors(fan_page)
    measure(fan_page, "post-theory form with errors")

    assert too_wide == {}, f"page type -> (scrollWidth, innerWidth) at 360x740: {too_wide}"


def test_screenshots_of_season_guide_and_theory(new_context, screenshots_dir):
    pages = public_pages()
    targets = {
        "season-2-guide": pages["season guide"][0],
        "theory": pages["theory"][0],
    }
    sizes = {"phone": (390, 844), "desktop": (1280, 900)}
    for size_name, (width, height) in sizes.items():
        context = new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for target_name, url in targets.items():
            open_page(page, url, HTTPStatus.OK)
            path = screenshots_dir / f"{target_name}-{size_name}-{width}x{height}.png"
            screenshot(page, path=str(path), full_page=True)
            assert path.stat().st_size > 0
        assert context.watch.outside_requests() == []
        assert context.watch.errors == []
