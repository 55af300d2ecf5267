"""The fan loop in a real browser: fan A follows a theory; fan B answers a comment on it
and mentions A, picking the name from the suggestions; A's unread count rises in the
header, and A reads the reply from the inbox."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from guide import demo, services
from guide.models import NewsChange, Notification, NotificationKind, Season
from tests.browser.conftest import log_in, screenshot
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
    screenshot(a, path=screenshots_dir / "inbox-desktop.png", full_page=True)
    with a.expect_navigation():
        line.click()
    expect(a.locator(".comment-list")).to_contain_text("about the radio logs.")
    reply = asked.replies.get()
    expect(a).to_have_url(re.compile(re.escape(reverse("guide:comment", args=[reply.pk]))))
    expect(inbox_link).to_have_text("Inbox")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_a_fan_chooses_their_mail_and_unsubscribes_from_a_mail_without_signing_in(
    new_context, site, screenshots_dir, color_scheme
):
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    reader = UserFactory(username="mail_reader", display_name="Mail Reader")
    theory = services.post_theory(
        author=reader, season=season, title="The school reopens", body="As a shelter."
    )
    asked = services.post_comment(author=reader, theory=theory, body="Who runs it?")

    # The reader chooses: comments on theories they follow at once, too.
    page = new_context(color_scheme=color_scheme, viewport={"width": 390, "height": 844}).new_page()
    log_in(page, "mail_reader", PASSWORD)
    page.goto(reverse("guide:inbox"))
    page.get_by_role("link", name="Choose which of them we email you").click()
    group = page.get_by_role("group", name="Comments on theories you follow")
    expect(group.get_by_role("radio", name="In a daily digest")).to_be_checked()
    group.get_by_role("radio", name="Email me at once").check()
    screenshot(
        page, path=screenshots_dir / f"mail-settings-phone-{color_scheme}.png", full_page=True
    )
    assert Axe().run(page).violations_count == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Comments on theories you follow").get_by_role(
            "radio", name="Email me at once"
        )
    ).to_be_checked()

    # Another fan answers: the mail goes at once, quoting the reply.
    services.post_comment(
        author=UserFactory(display_name="Jun"), theory=theory, body="The army.", parent=asked
    )
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert message.subject == "Jun replied to your comment on “The school reopens”"
    (html, _mimetype), *_ = message.alternatives
    page.set_content(html)
    screenshot(page, path=screenshots_dir / f"mail-reply-{color_scheme}.png", full_page=True)
    expect(page.get_by_text("The army.")).to_be_visible()

    # Its unsubscribe link works in a browser that is not signed in.
    link = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    stranger = new_context(color_scheme=color_scheme, locale="ko-KR").new_page()
    stranger.goto(link.removeprefix("http://testserver"))
    expect(stranger.get_by_role("heading", name="수신 거부")).to_be_visible()
    with stranger.expect_navigation():
        stranger.get_by_role("button", name="수신 거부").click()
    expect(stranger.get_by_text("완료:")).to_be_visible()
    screenshot(
        stranger, path=screenshots_dir / f"unsubscribed-ko-{color_scheme}.png", full_page=True
    )
    reader.refresh_from_db()
    assert reader.mail_preference.reply == "off"


def test_the_inbox_tells_of_every_kind_of_news_on_a_phone_in_korean(
    new_context, site, screenshots_dir, django_capture_on_commit_callbacks
):
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    reader = UserFactory(username="inbox_reader")
    moderator = UserFactory(username="inbox_mod", is_staff=True, groups=["Moderators"])
    services.follow_season(user=reader, season=season)
    services.follow_show(user=reader, show=season.show)
    theory = services.post_theory(author=reader, season=season, title="The army knew", body="x")
    asked = services.post_comment(author=reader, theory=theory, body="Who signed it?")
    other = UserFactory(username="inbox_other", display_name="Jun")
    services.post_comment(author=other, theory=theory, body="@inbox_reader the mayor", parent=asked)
    services.post_comment(author=other, theory=theory, body="And the army, @inbox_reader.")
    services.post_comment(author=other, theory=theory, body="The radio logs say so.")
    services.post_theory(author=other, season=season, title="The cure is a lie", body="y")
    services.set_hidden(moderator=moderator, item=asked, hidden=True, reason="off topic")
    for change in NewsChange.RELEASE_DATE, NewsChange.STATUS, NewsChange.FACT:
        services.announce_season_change(season=season, changes=[change])
    kinds = set(Notification.objects.filter(recipient=reader).values_list("kind", flat=True))
    assert kinds == set(NotificationKind.values) - {"verdict"}  # the season has not aired

    page = new_context(color_scheme="dark", viewport={"width": 360, "height": 740}).new_page()
    log_in(page, "inbox_reader", PASSWORD)
    page.goto(reverse("guide:inbox"))
    switch = page.locator("form.language")  # the footer's language switch, as a fan uses it
    switch.get_by_label("Language").select_option("ko")
    with page.expect_navigation():
        switch.get_by_role("button").click()
    expect(page.get_by_role("heading", name="알림함")).to_be_visible()
    lines = page.locator("li.inbox-line")
    expect(lines).to_have_count(len(NotificationKind.values) + 1)  # news of 3 kinds, 1 kind less
    screenshot(page, path=screenshots_dir / "inbox-every-kind-phone-ko-dark.png", full_page=True)
    assert Axe().run(page).violations_count == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
