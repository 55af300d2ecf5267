"""The spoiler shield in a real browser: the first-visit prompt, <details> reveals by
mouse and keyboard, and the answer holding across pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from guide import demo
from guide.models import Character, Fact, Season

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NAM_RA = "choi-nam-ra"


def season_2_url() -> str:
    return Season.objects.get(show__slug=demo.SHOW_SLUG, number=2).get_absolute_url()


def nam_ra_url() -> str:
    return Character.objects.get(show__slug=demo.SHOW_SLUG, slug=NAM_RA).get_absolute_url()


def season_1_spoiler_fact() -> Fact:
    """A season-2 fact that gives away how season 1 ended."""
    return Fact.objects.get(
        season__show__slug=demo.SHOW_SLUG,
        season__number=2,
        spoiler_season=1,
        question="What happens to Nam-ra in season 2?",
    )


def progress_prompt(page):
    """The first-visit "how far have you watched?" form: posts seasons_watched to
    set_progress. (Once answered, a one-line control takes its place.)"""
    return page.locator(
        f'.watch-prompt form[action="{reverse("guide:set_progress")}"]'
        ':has(select[name="seasons_watched"])'
    )


def season_1_status(page):
    return page.locator(".status-list li").filter(
        has=page.get_by_role("link", name="Season 1", exact=True)
    )


def test_first_visit_asks_how_far_the_visitor_has_watched(new_context):
    page = new_context().new_page()
    show_url = Season.objects.get(show__slug=demo.SHOW_SLUG, number=1).show.get_absolute_url()
    for url in (show_url, season_2_url()):
        page.goto(url)
        prompt = progress_prompt(page)
        expect(prompt).to_have_count(1)
        expect(prompt.locator('select[name="seasons_watched"]')).to_be_visible()
    # Until answered, spoilers stay closed.
    spoilers = page.locator("details.spoiler")
    assert spoilers.count() > 0
    assert page.evaluate(
        "Array.from(document.querySelectorAll('details.spoiler')).every((d) => !d.open)"
    )


def test_spoiler_reveals_on_click_and_by_keyboard(new_context):
    page = new_context().new_page()
    page.goto(season_2_url())
    spoilers = page.locator("details.spoiler")
    assert spoilers.count() >= 2

    # Mouse: click the summary.
    by_click = spoilers.nth(0)
    body = by_click.locator(".spoiler-body")
    expect(body).to_be_hidden()
    by_click.locator("summary").click()
    assert by_click.evaluate("(details) => details.open") is True
    expect(body).to_be_visible()

    # Keyboard: Tab until the summary has focus, then Enter.
    by_key = spoilers.nth(1)
    assert by_key.evaluate("(details) => details.open") is False
    by_key.locator("summary").evaluate("(summary) => { summary.dataset.tabTarget = 'yes'; }")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.dataset?.tabTarget === 'yes'"):
            break
    else:
        pytest.fail("Tab never reached the spoiler's <summary>")
    page.keyboard.press("Enter")
    assert by_key.evaluate("(details) => details.open") is True
    expect(by_key.locator(".spoiler-body")).to_be_visible()


def test_spoiler_reveals_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(season_2_url())
    details = page.locator("details.spoiler").first
    details.locator("summary").click()
    assert details.evaluate("(details) => details.open") is True


def test_answer_season_1_shows_its_spoilers_on_every_page(new_context):
    context = new_context()
    page = context.new_page()
    fact = season_1_spoiler_fact()

    # Before answering: Nam-ra's season-1 status and the fact are behind a reveal.
    page.goto(nam_ra_url())
    expect(season_1_status(page).locator("details.spoiler")).to_have_count(1)
    expect(season_1_status(page).get_by_text("Half-zombie")).to_be_hidden()
    page.goto(season_2_url())
    article = page.locator(f"#fact-{fact.pk}")
    expect(article.locator("details.spoiler")).to_have_count(1)

    # Answer: watched up to season 1.
    prompt = progress_prompt(page)
    prompt.locator('select[name="seasons_watched"]').select_option("1")
    with page.expect_navigation():
        prompt.locator("button[type=submit]").click()

    # The season guide now shows season-1 spoilers openly, and asks no more.
    page.goto(season_2_url())
    expect(progress_prompt(page)).to_have_count(0)
    expect(article.locator("details.spoiler")).to_have_count(0)
    expect(article.get_by_role("heading", name=fact.question)).to_be_visible()
    season_1_tags = page.locator("details.spoiler .spoiler-tag").filter(has_text="season 1")
    expect(season_1_tags).to_have_count(0)

    # ...and so does another page: the character page.
    page.goto(nam_ra_url())
    expect(season_1_status(page).locator("details.spoiler")).to_have_count(0)
    expect(season_1_status(page).get_by_text("Half-zombie")).to_be_visible()

    assert context.watch.outside_requests() == []
    assert context.watch.errors == []
