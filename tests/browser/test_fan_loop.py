"""The fan loop in a real browser: fan A follows a theory; fan B answers a comment on it
and mentions A, picking the name from the suggestions; A's unread count rises in the
header, and A reads the reply from the inbox."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from guide import demo, services
from guide.models import Season
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_follower_hears_of_a_reply_that_mentions_them(new_context, site, screenshots_dir):
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    theory = services.post_theory(
        author=UserFactory(username="theory_author"),
        season=season,
        title="The military sealed the city on purpose",
        body="They knew before the first bite.",
    )
    asked = services.post_comment(
        author=UserFactory(username="asker"), theory=theory, body="Who gave the order?"
    )
    UserFactory(username="fan_a", display_name="Fan A")
    UserFactory(username="fan_b", display_name="Fan B")

    # A follows the theory; nothing waits in their inbox yet.
    a = new_context().new_page()
    log_in(a, "fan_a", PASSWORD)
    a.goto(theory.get_absolute_url())
    with a.expect_navigation():
        a.get_by_role("button", name="Follow", exact=True).click()
    expect(a.get_by_text("You follow this theory.", exact=True)).to_be_visible()
    inbox_link = a.locator("header.site-header").get_by_role("link", name=re.compile("^Inbox"))
    expect(inbox_link).to_have_text("Inbox")

    # B answers the comment and mentions A, choosing the name from the suggestions.
    b = new_context().new_page()
    log_in(b, "fan_b", PASSWORD)
    b.goto(asked.get_absolute_url())
    with b.expect_navigation():
        b.get_by_role("link", name="Reply").first.click()
    box = b.get_by_role("textbox", name="Your reply")
    box.press_sequentially("The general did, ask @fan_")
    expect(b.get_by_role("option", name=re.compile("@fan_a"))).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("The general did, ask @fan_a ")
    box.press_sequentially("about the radio logs.")
    with b.expect_navigation():
        b.get_by_role("button", name="Post reply").click()
    expect(b.get_by_role("link", name="@fan_a")).to_be_visible()

    # A's count has risen; the inbox line leads to the reply.
    a.reload()
    expect(inbox_link).to_have_text(re.compile(r"^Inbox\s*1\s*unread$"))
    inbox_link.click()
    line = a.get_by_role("button", name=re.compile("Fan B mentioned you on"))
    expect(line).to_be_visible()
    a.screenshot(path=screenshots_dir / "inbox-desktop.png", full_page=True)
    with a.expect_navigation():
        line.click()
    expect(a.locator(".comment-list")).to_contain_text("about the radio logs.")
    reply = asked.replies.get()
    expect(a).to_have_url(re.compile(re.escape(reverse("guide:comment", args=[reply.pk]))))
    expect(inbox_link).to_have_text("Inbox")
