"""A visitor votes, is asked to log in, and comes back to the theory to cast that vote:
with JavaScript and without, never a 405 on the way."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from guide.models import Theory, Vote
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FAN = "returning_fan"


def a_demo_theory() -> Theory:
    """A spoiler-free theory someone else wrote, so every reader sees its title."""
    return (
        Theory.objects.filter(season__number=2, spoiler_season=None, author__isnull=False)
        .order_by("pk")
        .first()
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("direction", ["up", "down"])
def test_vote_while_logged_out_log_in_and_cast_it(new_context, javascript, direction):
    UserFactory(username=FAN)
    theory = a_demo_theory()
    before = theory.score
    context = new_context(java_script_enabled=javascript)
    page = context.new_page()
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))

    page.goto(theory.get_absolute_url())
    head = page.locator(".theory-head form[data-vote]")
    with page.expect_navigation():
        head.locator(f"button.vote-{direction}").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + r"\?next="))

    page.get_by_label("Username").fill(FAN)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    # Back on the theory, asked to cast the vote that was chosen; nothing is cast yet.
    expect(page).to_have_url(re.compile(re.escape(theory.get_absolute_url()) + r"\?vote="))
    prompt = page.locator("#cast-vote")
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("heading")).to_have_text("Cast your vote")
    chosen = prompt.locator("button.suggested")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("Vote up" if direction == "up" else "Vote down")
    assert not Vote.objects.filter(user__username=FAN).exists()
    if javascript and direction == "up":
        axe = Axe().run(page)
        assert axe.violations_count == 0, axe.generate_report()

    with page.expect_navigation():
        chosen.click()
    expect(page.locator("#cast-vote")).to_have_count(0)
    pressed = page.locator(f".theory-head button.vote-{direction}")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    theory.refresh_from_db()
    assert theory.score == before + (1 if direction == "up" else -1)
    assert Vote.objects.get(user__username=FAN).value == (1 if direction == "up" else -1)

    assert [status for status, _url in statuses if status == 405] == []
    assert context.watch.outside_requests() == []
    assert context.watch.errors == []


def test_a_signed_in_fan_reloading_a_comment_error_stays_on_the_theory(new_context):
    UserFactory(username=FAN)
    theory = a_demo_theory()
    context = new_context()
    page = context.new_page()
    log_in(page, FAN, PASSWORD)
    page.goto(theory.get_absolute_url())
    form = page.locator("#comment-form")
    context.watch.expect_failure(
        reverse("guide:comment_create", args=[theory.pk]) + "#comment-form"
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-form .errorlist")).to_be_visible()
    # The preview, on the same form.
    form.locator("textarea").fill("~~No~~ **yes**: https://example.org/")
    with page.expect_navigation():
        form.get_by_role("button", name="Preview").click()
    expect(page.locator("#comment-form .preview s")).to_have_text("No")
    expect(form.locator("textarea")).to_have_value("~~No~~ **yes**: https://example.org/")
    axe = Axe().run(page)
    assert axe.violations_count == 0, axe.generate_report()
    # Switching the theme on the error page comes back to the theory, not a 405.
    with page.expect_navigation():
        page.locator("footer form.theme button").click()
    expect(page).to_have_url(re.compile(re.escape(theory.get_absolute_url()) + "#comment-form$"))
    expect(page.locator("#comment-form")).to_be_visible()
    assert context.watch.errors == []
