"""A fan's whole visit in a real browser: sign up, post, vote with and without JS, log out."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from guide import demo, services
from guide.models import Season, Theory
from tests.browser.conftest import log_in
from tests.factories import UserFactory
from tests.kit.counts import assert_vote_counts_match_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

USERNAME = "new_fan"
PASSWORD = "zombies at hyosan high 2"
SEASON_2_OPTION = "All Of Us Are Dead — Season 2"


def other_fans_theory(title: str) -> Theory:
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    return services.post_theory(
        author=UserFactory(username="theory_author"),
        season=season,
        title=title,
        body="The school **reopens** and the zombies go back to class.",
    )


def test_fan_signs_up_posts_votes_with_and_without_js_and_logs_out(new_context, site):
    js_theory = other_fans_theory("Hyosan High reopens as a shelter")

    # 1. Sign up through the form (JS on).
    context = new_context()
    page = context.new_page()
    page.goto(reverse("accounts:signup"))
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_email").fill("new_fan@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    header = page.locator("header.site-header")
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    expect(header.get_by_role("link", name=USERNAME)).to_be_visible()

    # 2. Post a theory through the form.
    header.get_by_role("link", name="Post a theory").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("guide:theory_create")) + "$"))
    page.locator("#id_season").select_option(label=SEASON_2_OPTION)
    page.locator("#id_title").fill("Nam-ra leads the half-zombies")
    page.locator("#id_body").fill("She learns to *control* the hunger and teaches others.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post theory").click()
    expect(page.locator("h1")).to_have_text("Nam-ra leads the half-zombies")
    posted = Theory.objects.get(author__username=USERNAME)
    assert posted.season.number == 2
    expect(page).to_have_url(re.compile(re.escape(posted.get_absolute_url()) + "$"))

    # 3. Up-vote another fan's theory with JS: the score changes in place, no reload.
    page.goto(js_theory.get_absolute_url())
    vote_form = page.locator(".theory-head form[data-vote]")
    up = vote_form.locator("button.vote-up")
    score = vote_form.locator(".vote-score")
    expect(score).to_have_text("0")
    expect(up).to_have_attribute("aria-pressed", "false")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.__sameDocument = 'still here'")
    up.click()
    expect(score).to_have_text("1")
    expect(up).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__sameDocument") == "still here"
    assert navigations == []
    js_theory.refresh_from_db()
    assert (js_theory.upvotes, js_theory.downvotes, js_theory.score) == (1, 0, 1)
    assert js_theory.votes.get().user.username == USERNAME
    assert_vote_counts_match_rows()

    # 4. Without JS, in a new context: log in through the form, vote with a plain POST.
    no_js = new_context(java_script_enabled=False)
    plain = no_js.new_page()
    log_in(plain, USERNAME, PASSWORD)
    plain_header = plain.locator("header.site-header")
    expect(plain_header.get_by_role("button", name="Log out")).to_be_visible()
    demo_theory = (
        Theory.objects.filter(season__number=2, spoiler_season=None, author__isnull=False)
        .exclude(author__username=USERNAME)
        .order_by("pk")
        .first()
    )
    assert demo_theory is not None, "the demo has a spoiler-free season-2 theory"
    before = demo_theory.score
    plain.goto(demo_theory.get_absolute_url())
    plain_form = plain.locator(".theory-head form[data-vote]")
    expect(plain_form.locator(".vote-score")).to_have_text(str(before))
    with plain.expect_navigation():
        plain_form.locator("button.vote-up").click()
    expect(plain_form.locator(".vote-score")).to_have_text(str(before + 1))
    expect(plain_form.locator("button.vote-up")).to_have_attribute("aria-pressed", "true")
    demo_theory.refresh_from_db()
    assert demo_theory.score == before + 1
    assert_vote_counts_match_rows()

    # 5. Log out with the header's button; the "Log in" link is back.
    plain_header.get_by_role("button", name="Log out").click()
    expect(plain_header.get_by_role("link", name="Log in")).to_be_visible()
    expect(plain_header.get_by_role("button", name="Log out")).to_have_count(0)

    for watched in (context, no_js):
        assert watched.watch.outside_requests() == []
        assert watched.watch.errors == []
