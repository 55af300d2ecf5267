"""News by mail: replies and mentions at once, the rest in a daily digest, as each fan
chooses; only to confirmed addresses, never quoting past a fan's spoiler shield, at most
MAIL_DAILY_LIMIT a day, nothing twice, and a one-click unsubscribe without signing in."""

import email
import io
import re
import socket
from datetime import date, timedelta
from email import policy
from http import HTTPStatus
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guide import mailing, selectors, services, tasks
from guide.models import (
    MailChoice,
    MailPreference,
    ModerationAction,
    Notification,
    NotificationKind,
    SeasonStatus,
    SentMail,
    WatchProgress,
)
from tests.factories import PASSWORD, SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(db):
    return SeasonFactory(number=1)


@pytest.fixture
def author(db):
    return UserFactory(username="author", display_name="The Author")


@pytest.fixture
def theory(season, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.post_theory(
            author=author, season=season, title="The cure is in the school", body="Labs."
        )


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def post(theory, author, body="Nice", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.post_comment(author=author, theory=theory, body=body, **kwargs)

    return post


def to(fan) -> list:
    return [message for message in mail.outbox if message.to == [fan.email]]


def html_of(message) -> str:
    (content, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return content


def everything(message) -> str:
    return "\n".join([message.subject, message.body, html_of(message)])


def unsubscribe_link(message) -> str:
    return re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


# At once -------------------------------------------------------------------------------


def test_a_reply_is_mailed_at_once_in_text_and_html_with_a_one_click_unsubscribe(
    theory, author, post
):
    said = post(theory, author, "Where is the lab?")
    mail.outbox.clear()
    rita = UserFactory(display_name="Rita")
    answer = post(theory, rita, "Under the gym, *surely*.", parent=said)
    (message,) = to(author)
    assert message.subject == "Rita replied to your comment on “The cure is in the school”"
    assert "Under the gym, surely." in message.body
    assert "Under the gym, <em>" not in message.body  # plain text, not Markdown's HTML
    assert "Under the gym, surely." in html_of(message)
    assert f"/comments/{answer.pk}/#comment-{answer.pk}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_link(message) in message.body
    assert unsubscribe_link(message) in html_of(message)
    assert Notification.objects.get(recipient=author, comment=answer).mailed_at is not None
    assert SentMail.objects.filter(recipient=author, digest=False).count() == 1
    assert to(rita) == []  # nobody hears of their own


def test_a_mention_is_mailed_at_once(theory, post):
    ji = UserFactory(username="ji")
    post(theory, UserFactory(display_name="Bo"), "Ask @ji about it")
    (message,) = to(ji)
    assert message.subject == "Bo mentioned you on “The cure is in the school”"


def test_comments_on_a_followed_theory_wait_for_the_digest_by_default(theory, author, post):
    post(theory, UserFactory(), "One")
    post(theory, UserFactory(), "Two")
    assert to(author) == []
    assert mailing.send_digests() == 1
    (digest,) = to(author)
    assert digest.subject == "Next Season: 2 new things in your inbox"
    assert "2 new comments on “The cure is in the school”" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Daily: a second run the same day sends nothing, nor does a new line until then.
    post(theory, UserFactory(), "Three")
    assert mailing.send_digests() == 0
    assert len(to(author)) == 1


def test_a_fan_without_a_confirmed_address_gets_no_mail(theory, author, post):
    author.pending_email, author.email = author.email, ""
    author.save(update_fields=["email", "pending_email"])
    said = post(theory, author, "Hm")
    post(theory, UserFactory(), "Yes", parent=said)
    post(theory, UserFactory(), "Also")
    assert mailing.send_digests() == 0
    assert mail.outbox == []


def test_what_a_fan_read_is_not_mailed(theory, author, post):
    post(theory, UserFactory(), "One")
    services.mark_read(user=author)
    assert mailing.send_digests() == 0
    assert to(author) == []


def test_a_burst_of_replies_mails_once_and_the_digest_takes_the_rest(theory, author, post):
    said = post(theory, author, "Thoughts?")
    for i in range(5):
        post(theory, UserFactory(), f"Reply {i}", parent=said)
    assert len(to(author)) == 1  # the quiet time holds back the other four
    assert mailing.send_digests() == 1
    digest = to(author)[-1]
    assert "4 replies to your comments" in digest.body


def test_a_digest_holds_back_no_reply_that_comes_after_it(theory, author, post):
    said = post(theory, author, "Thoughts?")
    post(theory, UserFactory(), "A comment for the digest")
    assert mailing.send_digests() == 1
    post(theory, UserFactory(display_name="Rita"), "An answer", parent=said)
    assert to(author)[-1].subject == "Rita replied to your comment on “The cure is in the school”"


def test_no_fan_gets_more_mails_a_day_than_the_limit_and_the_digest_keeps_its_place(
    season, post, settings
):
    settings.MAIL_DAILY_LIMIT = 3
    ji = UserFactory(username="ji")
    for i in range(5):  # five theories, so the quiet time holds nothing back
        theory = services.post_theory(
            author=UserFactory(), season=season, title=f"Theory {i}", body="x"
        )
        post(theory, UserFactory(), f"@ji look {i}")
    assert len(to(ji)) == 2  # at once, up to one short of the limit
    mailing.send_digests()
    assert len(to(ji)) == 3  # the last place was the digest's, with the three held back
    assert to(ji)[-1].subject == "Next Season: 3 new things in your inbox"
    assert not Notification.objects.filter(recipient=ji, mailed_at=None).exists()
    post(theory, UserFactory(), "@ji and once more")
    mailing.send_digests()
    assert len(to(ji)) == 3  # nothing more today, at once or in a digest
    assert Notification.objects.filter(recipient=ji, mailed_at=None).count() == 1


def test_two_workers_mailing_one_fan_at_the_same_moment_send_one_mail(theory, author, post):
    """Each worker chose its line before either claimed one: the claim checks the quiet
    time again, under a lock of the fan (tests/guide/test_theory_row_locks.py)."""
    said = post(theory, author, "Hm")
    mail.outbox.clear()
    # Posted without running what they enqueue: delivered here, mailed by hand below.
    first = services.post_comment(author=UserFactory(), theory=theory, body="A", parent=said)
    second = services.post_comment(author=UserFactory(), theory=theory, body="B", parent=said)
    for comment in (first, second):
        services.deliver_comment(comment_id=comment.pk)
    now = timezone.now()
    limits = {"daily_limit": 10, "quiet": timedelta(hours=1)}
    chosen = [
        selectors.instant_mail_lines(mailing.about_comment(comment.pk), now=now, **limits)
        for comment in (first, second)
    ]
    assert [len(lines) for lines in chosen] == [1, 1]  # both pass the first look
    claims = [services.claim_line(lines=lines, now=now, **limits) for lines in chosen]
    assert claims == [[chosen[0][0].pk], []]
    assert SentMail.objects.filter(recipient=author).count() == 1
    assert Notification.objects.get(comment=second, recipient=author).mailed_at is None


def test_the_followers_of_a_burst_get_no_mail_at_once_and_one_digest_each(theory, post):
    followers = UserFactory.create_batch(30)
    for fan in followers:
        services.follow(user=fan, theory=theory)
    for i in range(10):
        post(theory, UserFactory(), f"Burst {i}")
    assert mail.outbox == []
    assert mailing.send_digests() == 31  # the followers and the author, once each
    assert sorted(len(to(fan)) for fan in followers) == [1] * 30


def test_a_retried_mail_task_mails_nothing_twice(theory, author, post):
    said = post(theory, author, "Hm")
    answer = post(theory, UserFactory(), "Yes", parent=said)
    assert len(to(author)) == 1
    assert tasks.mail_comment.call(answer.pk) == 0
    assert len(to(author)) == 1


def test_lines_another_worker_claims_first_are_its_mail_not_a_second_one(theory, author, post):
    """Two workers may read the same unmailed lines; the one whose claim lands second
    mails nothing and counts nothing."""
    said = post(theory, author, "Hm")
    mail_comment = tasks.mail_comment
    with mock.patch.object(tasks, "mail_comment"):  # delivered, not yet mailed
        answer = post(theory, UserFactory(), "Yes", parent=said)
    real_claim = services.claim_line

    def after_another_worker(**kwargs):
        real_claim(**kwargs)  # the other worker's claim lands between this one's read and claim
        return real_claim(**kwargs)

    with mock.patch.object(services, "claim_line", after_another_worker):
        assert mail_comment.call(answer.pk) == 0
    assert to(author) == []
    assert SentMail.objects.filter(recipient=author).count() == 1  # the other worker's


def test_a_mail_that_cannot_go_gives_its_lines_back_to_the_digest(
    theory, author, post, monkeypatch
):
    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    said = post(theory, author, "Hm")
    mail_comment = tasks.mail_comment
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", down)
    with mock.patch.object(tasks, "mail_comment"):  # delivered, not yet mailed
        answer = post(theory, UserFactory(), "Yes", parent=said)
    assert mail_comment.call(answer.pk) == 0  # none went, so none is counted
    assert Notification.objects.filter(recipient=author, mailed_at=None).count() == 1
    assert not SentMail.objects.exists()
    monkeypatch.undo()
    assert mailing.send_digests() == 1


# Spoilers ------------------------------------------------------------------------------


def test_a_mail_never_quotes_past_the_fans_shield(theory, author, post):
    said = post(theory, author, "Does he live?")
    WatchProgress.objects.create(user=author, show=theory.season.show, seasons_watched=1)
    post(
        theory,
        UserFactory(display_name="Rita"),
        "Cheong-san walks out",
        parent=said,
        spoiler_season=2,
    )
    (message,) = to(author)
    assert "Cheong-san" not in everything(message)
    assert message.subject.endswith("· a spoiler for season 2")
    assert "It holds spoilers for season 2" in message.body
    WatchProgress.objects.filter(user=author).update(seasons_watched=2)
    post(theory, UserFactory(display_name="Bo"), "Cheong-san again", parent=said, spoiler_season=2)
    mailing.send_digests()
    assert "spoiler" not in to(author)[-1].subject


def test_a_fan_who_never_said_how_far_they_watched_gets_no_tagged_quote(theory, author, post):
    said = post(theory, author, "Hm")
    post(theory, UserFactory(), "Nam-ra leads them", parent=said, spoiler_season=1)
    (message,) = to(author)
    assert "Nam-ra" not in everything(message)


def test_a_spoiler_theorys_mail_names_only_its_headline(season, django_capture_on_commit_callbacks):
    follower = UserFactory()
    services.follow_season(user=follower, season=season)
    services.choose_mail(user=follower, choices={"theory": MailChoice.INSTANT})
    with django_capture_on_commit_callbacks(execute=True):
        services.post_theory(
            author=UserFactory(),
            season=season,
            title="Cheong-san lives",
            body="He walked out of the fire.",
            spoiler_season=1,
            spoiler_free_title="About the boy in the fire",
        )
    (message,) = to(follower)
    assert "About the boy in the fire" in message.subject
    assert "Cheong-san" not in everything(message)
    assert "walked out" not in everything(message)


# Choices and unsubscribing ---------------------------------------------------------------


def test_a_fan_chooses_for_each_kind_and_bad_choices_are_shown_next_to_the_field(author):
    client = Client()
    client.force_login(author)
    page = client.get(reverse("guide:mail_settings"))
    assert page.status_code == HTTPStatus.OK
    checked = re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]*checked', page.text)
    assert sorted(checked) == [
        ("comment", "daily"),
        ("mention", "instant"),
        ("moderation", "instant"),
        ("reply", "instant"),
        ("season", "instant"),
        ("theory", "daily"),
        ("verdict", "instant"),
    ]
    choices = dict.fromkeys(NotificationKind.values, "instant")
    response = client.post(
        reverse("guide:mail_settings"),
        choices | {"reply": "daily", "mention": "often", "comment": "off"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'id="id_mention_error"' in response.text
    assert not MailPreference.objects.exists()
    client.post(
        reverse("guide:mail_settings"),
        choices | {"reply": "daily", "mention": "off", "comment": "off"},
    )
    choice = selectors.mail_preference(author)
    assert (choice.reply, choice.mention, choice.comment, choice.theory) == (
        "daily",
        "off",
        "off",
        "instant",
    )


def test_the_settings_page_is_for_signed_in_fans(client):
    response = client.get(reverse("guide:mail_settings"))
    assert response.status_code == HTTPStatus.FOUND


def test_one_click_unsubscribe_works_without_signing_in(theory, author, post):
    said = post(theory, author, "Hm")
    post(theory, UserFactory(), "Yes", parent=said)
    (message,) = to(author)
    link = path_of(unsubscribe_link(message))
    visitor = Client(enforce_csrf_checks=True)
    assert visitor.head(link).status_code == HTTPStatus.OK
    asked = visitor.get(link)
    assert asked.status_code == HTTPStatus.OK
    assert "Stop email about “A reply to your comment”?" in asked.text
    assert selectors.mail_preference(author).reply == MailChoice.INSTANT  # a GET changes nothing
    done = visitor.post(link, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == HTTPStatus.OK
    assert selectors.mail_preference(author).reply == MailChoice.OFF
    assert selectors.mail_preference(author).mention == MailChoice.INSTANT
    post(theory, UserFactory(), "Again", parent=said)
    assert len(to(author)) == 1
    assert mailing.send_digests() == 0  # off is off: not in the digest either


def test_a_digests_link_stops_every_kind(theory, author, post):
    post(theory, UserFactory(), "One")
    mailing.send_digests()
    (digest,) = to(author)
    Client().post(path_of(unsubscribe_link(digest)))
    choice = selectors.mail_preference(author)
    assert {getattr(choice, kind) for kind in NotificationKind.values} == {MailChoice.OFF}


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        mailing.unsubscribe_token(1, "reply") + "x",
        # Signed by us, but not a link we make.
        signing.dumps([1, "everything"], salt=mailing.UNSUBSCRIBE_SALT),
    ],
    # Named, not shown: a signed token holds the time, and every test worker must collect
    # the same names.
    ids=["nonsense", "altered", "unknown-kind"],
)
def test_a_forged_unsubscribe_link_changes_nothing(author, token):
    response = Client().post(reverse("guide:unsubscribe", args=[token]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not MailPreference.objects.exists()


def test_unsubscribing_is_rate_limited_per_client_address(author, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "unsubscribe": (1, 600)}
    url = reverse("guide:unsubscribe", args=[mailing.unsubscribe_token(author.pk, "reply")])
    assert Client().post(url).status_code == HTTPStatus.OK
    refused = Client().post(url)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(refused["Retry-After"]) <= 600


def test_an_unsubscribe_link_of_a_deleted_account_is_a_clear_page(author):
    token = mailing.unsubscribe_token(author.pk, "reply")
    author.delete()
    response = Client().post(reverse("guide:unsubscribe", args=[token]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "its account is gone" in response.text


def test_the_digest_command_sends_the_digests(theory, author, post):
    post(theory, UserFactory(), "One")
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    assert out.getvalue().strip() == "Sent 1 digest."
    assert len(to(author)) == 1


# A real SMTP server ----------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []
        self.sessions = []  # kept alive, so no two share an id

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if all(session is not seen for seen in self.sessions):
            self.sessions.append(session)
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.SMTP))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield handler
    controller.stop()


def test_a_mail_reaches_a_real_smtp_server_with_both_parts_and_its_headers(
    theory, author, post, smtp_server
):
    said = post(theory, author, "Hm")
    post(theory, UserFactory(display_name="Rita"), "Under the gym", parent=said)
    ((recipients, message),) = smtp_server.messages
    assert recipients == [author.email]
    assert message["Subject"] == "Rita replied to your comment on “The cure is in the school”"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["Auto-Submitted"] == "auto-generated"
    parts = {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Under the gym" in parts["text/plain"]
    assert "Under the gym" in parts["text/html"]
    assert Notification.objects.get(recipient=author, kind=NotificationKind.REPLY).mailed_at


def test_one_connection_carries_all_the_digests_of_a_run(theory, post, smtp_server):
    followers = UserFactory.create_batch(3)
    for fan in followers:
        services.follow(user=fan, theory=theory)
    post(theory, UserFactory(), "News for everyone")
    assert mailing.send_digests() == 4  # the followers and the author
    assert len(smtp_server.messages) == 4
    assert len(smtp_server.sessions) == 1


def test_a_fan_who_chose_in_korean_gets_mail_in_korean(theory, author, post):
    client = Client()
    client.force_login(author)
    client.cookies["django_language"] = "ko"
    choices = dict.fromkeys(NotificationKind.values, "instant")
    client.post(reverse("guide:mail_settings"), choices, HTTP_ACCEPT_LANGUAGE="ko")
    assert selectors.mail_preference(author).language == "ko"
    said = post(theory, author, "Hm")
    post(theory, UserFactory(display_name="Rita"), "Yes", parent=said)
    (message,) = to(author)
    assert message.subject == "Rita 님이 “The cure is in the school”의 내 댓글에 답글을 달았어요"
    assert '<html lang="ko">' in html_of(message)


def test_a_fan_who_signs_in_in_korean_gets_mail_in_korean_without_choosing(theory, author, post):
    client = Client(headers={"accept-language": "ko"})
    signed_in = client.post(reverse("accounts:login"), {"username": "author", "password": PASSWORD})
    assert signed_in.status_code == HTTPStatus.FOUND
    said = post(theory, author, "Hm")
    post(theory, UserFactory(display_name="Rita"), "Yes", parent=said)
    (message,) = to(author)
    assert message.subject == "Rita 님이 “The cure is in the school”의 내 댓글에 답글을 달았어요"
    # Their choices are still the defaults: only the language was kept.
    assert selectors.mail_preference(author).comment == MailChoice.DAILY


def test_the_language_a_fan_switches_to_is_their_mails(author, django_assert_num_queries):
    client = Client()
    client.force_login(author)
    for language in ("ko", "en", "ko"):
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        assert selectors.mail_preference(author).language == language
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert selectors.mail_preference(author).language == "ko"  # not one of ours: kept
    visitor = Client()
    visitor.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert MailPreference.objects.count() == 1  # a visitor's choice is their cookie only
    with django_assert_num_queries(1):  # most sign-ins change nothing, and write nothing
        services.remember_language(user=author, language="ko")
    # Another fan's choice of the same language is theirs to keep, not taken as made.
    other = UserFactory()
    services.remember_language(user=other, language="ko")
    assert selectors.mail_preference(other).language == "ko"


# What each mail says, whole ----------------------------------------------------------------


def test_a_mail_at_once_reads_in_full(theory, author, post):
    said = post(theory, author, "Where is the lab?")
    answer = post(theory, UserFactory(display_name="Rita"), "Under the *gym*.", parent=said)
    (message,) = to(author)
    assert message.body == (
        "Rita replied to your comment on “The cure is in the school”\n\n"
        "    Under the gym.\n\n"
        f"Read it: http://testserver/comments/{answer.pk}/#comment-{answer.pk}\n\n"
        "--\n"
        "You get this at once because of your choice for “A reply to your comment”.\n"
        "Your inbox: http://testserver/inbox/\n"
        "Choose which email you get: http://testserver/inbox/email/\n"
        f"Stop email about “A reply to your comment” with one click: {unsubscribe_link(message)}\n"
    )


def test_a_digest_reads_in_full_and_names_each_spoiler_for_its_reader(
    season, author, post, monkeypatch
):
    """Each line says "a spoiler for season N" to a fan who has not watched that far, not
    to one who has; lines beyond what a digest lists are counted."""
    monkeypatch.setattr(selectors, "DIGEST_LINES", 2)
    season_2 = SeasonFactory(show=season.show, number=2)
    theories = [
        services.post_theory(author=author, season=season, title=f"Theory {n}", body="x")
        for n in range(3)
    ]
    for n, theory in enumerate(theories):
        tagged = season_2.number if n == 2 else None
        post(theory, UserFactory(display_name=f"Fan {n}"), "Look", spoiler_season=tagged)
    WatchProgress.objects.create(user=author, show=season.show, seasons_watched=1)
    viewer = UserFactory(display_name="Viewer")
    WatchProgress.objects.create(user=viewer, show=season.show, seasons_watched=2)
    services.follow(user=viewer, theory=theories[2])
    post(theories[2], UserFactory(display_name="Fan 3"), "And this", spoiler_season=2)
    mailing.send_digests()
    (digest,) = to(author)
    newest = theories[2].comments.latest("pk")
    assert digest.subject == "Next Season: 4 new things in your inbox"
    assert digest.body.startswith(
        "Hello The Author, here is what happened since your last digest.\n\n"
        "- 2 new comments on “Theory 2”, from Fan 3 and 1 other · a spoiler for season 2\n"
        f"  http://testserver/comments/{newest.pk}/#comment-{newest.pk}\n\n"
        "And 2 more in your inbox.\n\n"
        "Your inbox: http://testserver/inbox/\n"
    )
    (watched,) = to(viewer)
    assert "- Fan 3 commented on “Theory 2”\n" in watched.body  # they watched season 2


# Each event mails its own lines ------------------------------------------------------------


def test_mail_about_one_comment_tells_of_no_other(
    theory, author, post, django_capture_on_commit_callbacks
):
    said = post(theory, author, "Hm")
    # Two replies stored and delivered, but mailed by hand: only the first one's event.
    first = services.post_comment(author=UserFactory(), theory=theory, body="A", parent=said)
    second = services.post_comment(author=UserFactory(), theory=theory, body="B", parent=said)
    other_theory = services.post_theory(author=author, season=theory.season, title="T2", body="x")
    third = services.post_comment(author=UserFactory(), theory=other_theory, body="C")
    for comment in (first, second, third):
        services.deliver_comment(comment_id=comment.pk)
    services.choose_mail(user=author, choices=dict.fromkeys(NotificationKind.values, "instant"))
    assert mailing.mail_news(mailing.about_comment(first.pk)) == 1
    mailed = Notification.objects.exclude(mailed_at=None).values_list("comment_id", flat=True)
    assert list(mailed) == [first.pk]


def test_mail_about_one_new_theory_tells_of_no_other(season, author):
    fan = UserFactory()
    services.follow_season(user=fan, season=season)
    services.choose_mail(user=fan, choices=dict.fromkeys(NotificationKind.values, "instant"))
    theories = [
        services.post_theory(author=author, season=season, title=f"New {n}", body="x")
        for n in range(2)
    ]
    for theory in theories:
        services.deliver_theory(theory_id=theory.pk)
    # Another fan who follows the second theory hears of a comment on it.
    reader = UserFactory()
    services.follow(user=reader, theory=theories[1])
    services.choose_mail(user=reader, choices=dict.fromkeys(NotificationKind.values, "instant"))
    comment = services.post_comment(author=author, theory=theories[1], body="And a comment")
    services.deliver_comment(comment_id=comment.pk)
    assert mailing.mail_news(mailing.about_theory(theories[1].pk)) == 1
    (mailed,) = Notification.objects.exclude(mailed_at=None)
    assert (mailed.kind, mailed.theory_id) == (NotificationKind.THEORY, theories[1].pk)


def test_one_editors_save_of_a_season_is_one_mail_of_what_it_changed(
    season, django_assert_num_queries
):
    fan, second_fan = UserFactory(), UserFactory()
    other = SeasonFactory(show=season.show, number=2)
    for followed in (season, other):
        services.follow_season(user=fan, season=followed)
    services.follow_season(user=second_fan, season=season)
    season.status, season.release_date = SeasonStatus.COMING_SOON, date(2027, 3, 5)
    season.save()
    at = timezone.now()
    for target, changes, when in (
        (season, ["release_date", "status", "fact"], at),  # the save
        (other, ["status"], at),  # another season
        (season, ["status"], at - timedelta(minutes=5)),  # an earlier save
    ):
        services.deliver_season_change(season_id=target.pk, changes=changes, at=when)
    # Each fan's lines together, whatever order they were written in: one mail each, in
    # queries that do not grow with a fan's lines (the season's show comes with them).
    with django_assert_num_queries(15):
        assert mailing.mail_news(mailing.about_season_change(season.pk, at)) == 2
    mailed = Notification.objects.exclude(mailed_at=None).filter(recipient=fan)
    assert sorted(mailed.values_list("season_id", "change", "created_at")) == [
        (season.pk, "fact", at),
        (season.pk, "release_date", at),
        (season.pk, "status", at),
    ]
    assert len(to(second_fan)) == 1
    (message,) = to(fan)
    assert message.subject == f"News of {season}"
    assert message.body.startswith(
        f"News of {season}\n"
        f"- {season} has a release date: 5 March 2027\n"
        f"- {season} is now: Coming soon\n"
        f"- 1 new fact about {season}\n"
    )
    assert SentMail.objects.get(recipient=fan).lines == 3


# Digests -----------------------------------------------------------------------------------


def test_a_fan_gets_a_digest_a_day_not_one_ever(theory, author, post):
    post(theory, UserFactory(), "One")
    SentMail.objects.create(
        recipient=author, digest=True, lines=1, sent_at=timezone.now() - timedelta(hours=21)
    )
    assert mailing.send_digests() == 1  # yesterday's digest holds back nothing today


def test_a_mail_that_cannot_go_gives_back_only_its_own_fans_lines(theory, author, post):
    post(theory, UserFactory(), "One")
    fan = UserFactory()
    services.follow(user=fan, theory=theory)
    post(theory, UserFactory(), "Two")
    now = timezone.now()
    for recipient in (author, fan):
        lines = selectors.digestible_lines(recipient.pk, now=now, every=mailing.DIGEST_EVERY)
        assert services.claim_lines(lines, recipient_id=recipient.pk, now=now, daily_limit=10)
    services.release_lines(recipient_id=author.pk, claimed_at=now)
    released = Notification.objects.filter(recipient=author)
    assert set(released.values_list("mailed_at", "digested")) == {(None, False)}
    assert not SentMail.objects.filter(recipient=author).exists()
    kept = Notification.objects.filter(recipient=fan)
    assert set(kept.values_list("mailed_at", "digested")) == {(now, True)}
    assert SentMail.objects.filter(recipient=fan, digest=True).count() == 1


def test_a_fan_at_their_settings_limit_still_switches_language(author, settings):
    client = Client()
    client.force_login(author)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "settings": (0, 600)}
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert selectors.mail_preference(author).language == ""  # not kept: over the limit


def test_a_second_digest_within_a_day_waits_when_the_day_is_full(theory, author, post, settings):
    settings.MAIL_DAILY_LIMIT = 3
    post(theory, UserFactory(), "One")
    now = timezone.now()
    for hours in (21, 2, 1):  # yesterday's digest, and two mails at once since
        SentMail.objects.create(recipient=author, sent_at=now - timedelta(hours=hours))
    assert mailing.send_digests() == 0  # a digest now would be a fourth mail in a day
    assert Notification.objects.filter(recipient=author, mailed_at=None).count() == 1


def test_a_verdict_goes_at_once_after_a_reply_about_the_same_theory_and_quotes_nothing(
    season, author, post, moderator
):
    season.status, season.release_date = SeasonStatus.RELEASED, date(2022, 1, 28)
    season.save()
    theory = services.post_theory(author=author, season=season, title="It ends", body="Secret.")
    said = post(theory, author, "Hm")
    post(theory, UserFactory(), "Yes", parent=said)  # mailed at once: the quiet time begins
    mail.outbox.clear()
    services.set_outcome(moderator=moderator, theory=theory, outcome="confirmed")
    verdict = ModerationAction.objects.get(kind="set_outcome")
    services.deliver_decision(action_id=verdict.pk)
    assert mailing.mail_news(mailing.about_decision(verdict.pk)) == 1  # not held back
    (message,) = to(author)
    assert message.subject == "A theory you follow was settled: “It ends”"
    assert "Secret." not in message.body


def test_mail_about_one_event_counts_each_fan_mailed(theory, author, post):
    said = post(theory, author, "Hm")
    mail.outbox.clear()
    UserFactory(username="ji")
    answer = services.post_comment(
        author=UserFactory(), theory=theory, body="@ji look", parent=said
    )
    services.deliver_comment(comment_id=answer.pk)
    assert mailing.mail_news(mailing.about_comment(answer.pk)) == 2  # the author, and ji


def test_a_korean_digest_of_one_line_reads_in_korean_to_its_end(theory, author, post):
    services.remember_language(user=author, language="ko")
    post(theory, UserFactory(display_name="Rita"), "One")
    mailing.send_digests()
    (digest,) = to(author)
    assert digest.subject == "Next Season: 알림함에 새 소식 1개"
    link = unsubscribe_link(digest)
    assert digest.body.endswith(f"한 번의 클릭으로 Next Season의 모든 이메일 그만 받기: {link}\n")


def test_a_digest_reads_to_its_end(theory, author, post):
    post(theory, UserFactory(display_name="Rita"), "One")
    mailing.send_digests()
    (digest,) = to(author)
    assert digest.subject == "Next Season: 1 new thing in your inbox"
    assert digest.body.endswith(
        "Choose which email you get: http://testserver/inbox/email/\n"
        f"Stop all email from Next Season with one click: {unsubscribe_link(digest)}\n"
    )


def test_a_full_day_for_one_fan_holds_back_no_other_fans_digest(theory, author, post, settings):
    settings.MAIL_DAILY_LIMIT = 1
    SentMail.objects.create(recipient=author, sent_at=timezone.now())  # the author's day is full
    fan = UserFactory()  # a later account than the author's
    services.follow(user=fan, theory=theory)
    post(theory, UserFactory(), "One")
    assert mailing.send_digests() == 1
    assert len(to(fan)) == 1


def test_a_digest_that_cannot_go_gives_its_lines_and_its_place_back(
    theory, author, post, monkeypatch, caplog
):
    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    post(theory, UserFactory(), "One")
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", down)
    assert mailing.send_digests() == 0
    assert Notification.objects.get(recipient=author).mailed_at is None
    assert not SentMail.objects.exists()
    (logged,) = [record for record in caplog.records if record.name == "guide.mailing"]
    assert logged.getMessage() == f"Could not send the digest mail to fan {author.pk}"
    assert logged.exc_info is not None  # with the server's error, for whoever reads the log


def test_the_mails_of_one_event_share_one_connection(theory, author, post, smtp_server):
    said = post(theory, author, "Hm")
    UserFactory(username="ji")
    post(theory, UserFactory(), "@ji look", parent=said)  # the author and ji, at once
    assert len(smtp_server.messages) == 2
    assert len(smtp_server.sessions) == 1


def test_a_comments_mail_carries_only_the_lines_that_tell_of_it(theory, post, moderator):
    """A moderator's decision on a comment is the decision's own mail, even where the
    comment's mail runs only after it (a late worker)."""
    commenter = UserFactory(username="commenter")
    said = post(theory, commenter, "Buy cheap followers")
    services.set_hidden(moderator=moderator, item=said, hidden=True, reason="spam")
    action = ModerationAction.objects.get()
    services.deliver_decision(action_id=action.pk)  # told, its mail not yet sent
    assert tasks.mail_comment.call(said.pk) == 0
    assert to(commenter) == []
    assert mailing.mail_news(mailing.about_decision(action.pk)) == 1
    assert len(to(commenter)) == 1


@pytest.mark.parametrize("taken_down", ["the comment", "its theory"])
def test_what_is_hidden_before_its_mail_goes_is_never_mailed(
    theory, author, post, moderator, taken_down
):
    """A line about a comment, or a theory, that a moderator hid between the delivery
    and the mail goes neither at once nor in the digest; it stays in the inbox."""
    services.choose_mail(user=author, choices=dict.fromkeys(NotificationKind.values, "instant"))
    mail_comment = tasks.mail_comment
    with mock.patch.object(tasks, "mail_comment"):  # delivered, not yet mailed
        said = post(theory, UserFactory(), "Look at the roof")
    assert Notification.objects.filter(recipient=author, comment=said).exists()
    item = said if taken_down == "the comment" else theory
    services.set_hidden(moderator=moderator, item=item, hidden=True, reason="spam")
    assert mail_comment.call(said.pk) == 0
    assert mailing.send_digests() == 0
    assert to(author) == []


def test_a_decision_mail_quotes_nothing(theory, author, moderator):
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    action = ModerationAction.objects.get()
    services.deliver_decision(action_id=action.pk)
    mailing.mail_news(mailing.about_decision(action.pk))
    (message,) = to(author)
    assert message.body.startswith(f"{message.subject}\n\nRead it: http://testserver/")


def test_a_line_read_or_mailed_already_is_not_mailed(theory, author, post):
    """A fan who read the reply in their inbox gets no mail of it; a mailed line is
    mailed once."""
    said = post(theory, author, "Hm")
    services.choose_mail(user=author, choices=dict.fromkeys(NotificationKind.values, "instant"))
    replies = [
        services.post_comment(author=UserFactory(), theory=theory, body=body, parent=said)
        for body in ("read first", "mailed once")
    ]
    for reply in replies:
        services.deliver_comment(comment_id=reply.pk)
    Notification.objects.filter(comment=replies[0]).update(read_at=timezone.now())
    assert mailing.mail_news(mailing.about_comment(replies[0].pk)) == 0
    assert mailing.mail_news(mailing.about_comment(replies[1].pk)) == 1
    assert mailing.mail_news(mailing.about_comment(replies[1].pk)) == 0
    # Nor does the digest take them up again: the one read, or the one mailed.
    services.choose_mail(user=author, choices=dict.fromkeys(NotificationKind.values, "daily"))
    assert mailing.send_digests() == 0


def test_a_digest_s_fan_comes_with_their_mail_choices_in_one_query(django_assert_num_queries):
    """Each digest reads its fan by id (selectors.fan) and then their mail language: one
    query for both, whether or not they made choices."""
    chose, did_not = UserFactory(), UserFactory()
    services.choose_mail(user=chose, choices={}, language="ko")
    for user, language in ((chose, "ko"), (did_not, None)):
        with django_assert_num_queries(1):
            fan = selectors.fan(user.pk)
            preference = getattr(fan, "mail_preference", None)
        assert (preference.language if preference else None) == language
