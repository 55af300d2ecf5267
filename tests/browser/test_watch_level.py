"""A visitor changes how far they have watched, in a real browser, with and without
JavaScript, and what they have now watched comes out from behind its reveal."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from guide import demo
from guide.models import Character, Fact, Season
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NAM_RA_NOTE = "the story stays with her"


def season_2_url() -> str:
    return Season.objects.get(show__slug=demo.SHOW_SLUG, number=2).get_absolute_url()


def nam_ra_fact() -> Fact:
    """A season-2 fact that tells how season 1 left Nam-ra."""
    return Fact.objects.get(
        season__show__slug=demo.SHOW_SLUG, question="What happens to Nam-ra in season 2?"
    )


def nam_ra_in_cast(page):
    nam_ra = Character.objects.get(show__slug=demo.SHOW_SLUG, slug="choi-nam-ra")
    return page.locator(".cast-list li").filter(
        has=page.locator(f'a[href="{nam_ra.get_absolute_url()}"]')
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_visitor_changes_the_watch_level_and_sees_what_they_watched(
    new_context, screenshots_dir, javascript
):
    context = new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 800})
    page = context.new_page()
    fact = nam_ra_fact()

    # First visit: asked once; "Nothing yet".
    page.goto(season_2_url())
    prompt = page.locator(".watch-prompt form")
    prompt.get_by_label("I have watched").select_option("0")
    with page.expect_navigation():
        prompt.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        "Saved: you have not watched All Of Us Are Dead yet"
    )
    control = page.locator(".watch-level")
    expect(control).to_have_count(1)
    expect(control).to_contain_text("Watched: Nothing yet")
    article = page.locator(f"#fact-{fact.pk}")
    expect(article.locator("details.spoiler")).to_have_count(1)
    expect(article.get_by_role("heading", name=fact.question)).to_be_hidden()
    expect(nam_ra_in_cast(page).get_by_text(NAM_RA_NOTE)).to_be_hidden()

    # "Change" opens the small form in place; pick season 1 and save.
    change_form = control.locator("form")
    expect(change_form).to_be_hidden()
    control.locator("summary").click()
    expect(change_form).to_be_visible()
    select = change_form.get_by_label("I have watched")
    expect(select.locator("option")).to_have_text(["Nothing yet", "Season 1"])
    select.select_option("1")
    with page.expect_navigation():
        change_form.get_by_role("button", name="Save").click()

    # Back on the same page: it says so, and season 1 is out in the open.
    assert page.url.endswith(season_2_url())
    expect(page.locator(".messages")).to_contain_text(
        "Saved: you have watched season 1 of All Of Us Are Dead."
    )
    expect(page.locator(".watch-level")).to_contain_text("Watched: Season 1")
    expect(article.locator("details.spoiler")).to_have_count(0)
    expect(article.get_by_role("heading", name=fact.question)).to_be_visible()
    expect(nam_ra_in_cast(page).get_by_text(NAM_RA_NOTE)).to_be_visible()
    screenshot(
        page,
        path=screenshots_dir / f"watch-level-season-1-{'js' if javascript else 'no-js'}-360.png",
        full_page=True,
    )

    # Another page remembers it too.
    page.goto(reverse("guide:theory_list"))
    expect(page.locator(".watch-level")).to_contain_text("Watched: Season 1")
    expect(page.locator(".messages")).to_have_count(0)  # the message was said once

    assert context.watch.outside_requests() == []
    assert context.watch.errors == []
