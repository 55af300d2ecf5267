"""Following and the inbox: a new comment reaches the fans it concerns through a task run
after its transaction commits, once per fan however it concerns them; the inbox groups
the lines, holds no text a fan wrote, and its unread count in the header is current."""

import re
from datetime import UTC, datetime
from http import HTTPStatus

import factory
import pytest
from django.core import mail
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import selectors, services, tasks
from guide.models import Comment, Follow, Notification, NotificationKind, Theory, WatchProgress
from tests.factories import SeasonFactory, TheoryFactory, UserFactory
from tests.kit.counts import assert_queries_do_not_grow, count_queries

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


def post(theory, author, body="Nice", parent=None, capture=None, **kwargs):
    with capture(execute=True):
        return services.post_comment(
            author=author, theory=theory, body=body, parent=parent, **kwargs
        )


def lines_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", "comment_id"))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Who hears of what ---------------------------------------------------------------------------


def test_an_author_follows_their_theory_and_hears_of_each_comment(
    theory, author, django_capture_on_commit_callbacks
):
    assert Follow.objects.filter(user=author, theory=theory).exists()
    comment = post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    assert lines_of(author) == [(NotificationKind.COMMENT, comment.pk)]


def test_a_reply_reaches_who_was_answered_once_and_nobody_hears_of_their_own(
    theory, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    fan, replier, follower = UserFactory(), UserFactory(), UserFactory()
    services.follow(user=follower, theory=theory)
    services.follow(user=fan, theory=theory)
    asked = post(theory, fan, "What about the lab?", capture=capture)
    answer = post(theory, replier, "Burned down.", parent=asked, capture=capture)
    # The fan follows the theory too, but hears of the answer once, as a reply.
    assert (NotificationKind.REPLY, answer.pk) in lines_of(fan)
    assert (NotificationKind.COMMENT, answer.pk) not in lines_of(fan)
    assert (NotificationKind.COMMENT, answer.pk) in lines_of(follower)
    assert (NotificationKind.COMMENT, answer.pk) in lines_of(author)
    assert all(comment != answer.pk for _kind, comment in lines_of(replier))
    assert all(comment != asked.pk for _kind, comment in lines_of(fan))
    to_self = post(theory, fan, "Adding to my own point", parent=asked, capture=capture)
    assert all(comment != to_self.pk for _kind, comment in lines_of(fan))
    own = post(theory, author, "Thanks all", parent=answer, capture=capture)
    assert Notification.objects.filter(comment=own).count() == 3  # replier, fan, follower
    # Each fan it concerns counts once: the replier (a reply), the fan and the follower.
    assert tasks.deliver_comment.call(own.pk) == 3
    assert tasks.deliver_comment.call(answer.pk) == 3  # fan, follower, author


def test_a_fan_who_unfollows_hears_no_more(theory, author, django_capture_on_commit_callbacks):
    services.unfollow(user=author, theory=theory)
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    assert lines_of(author) == []


def test_a_delivery_that_runs_again_adds_nothing(
    theory, author, django_capture_on_commit_callbacks
):
    fans = [UserFactory() for _ in range(3)]
    for fan in fans:
        services.follow(user=fan, theory=theory)
    comment = post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    before = Notification.objects.count()
    assert before == 4
    tasks.deliver_comment.call(comment.pk)
    tasks.deliver_comment.call(comment.pk)
    assert Notification.objects.count() == before


def test_a_comment_deleted_before_delivery_tells_nobody(theory, author):
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Oops")
    services.delete_comment(comment=comment)
    assert tasks.deliver_comment.call(comment.pk) == 0
    # Nor one that stays as a stand-in, for the replies it had.
    kept = services.post_comment(author=UserFactory(), theory=theory, body="Oops again")
    services.post_comment(author=author, theory=theory, parent=kept, body="Hm?")
    services.delete_comment(comment=Comment.objects.get(pk=kept.pk))
    assert tasks.deliver_comment.call(kept.pk) == 0
    assert lines_of(author) == []


def test_a_line_is_dated_when_its_comment_was_posted(
    theory, author, django_capture_on_commit_callbacks
):
    comment = post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    Comment.objects.filter(pk=comment.pk).update(created_at=datetime(2026, 1, 2, tzinfo=UTC))
    tasks.deliver_comment.call(comment.pk)
    assert Notification.objects.get(recipient=author).created_at == datetime(2026, 1, 2, tzinfo=UTC)


def test_a_thousand_followers_cost_a_few_statements_and_the_request_none(
    theory, author, django_capture_on_commit_callbacks
):
    followers = UserFactory.create_batch(1_000)
    Follow.objects.bulk_create(Follow(user=fan, theory=theory) for fan in followers)
    commenter = UserFactory()
    asked = services.post_comment(author=author, theory=theory, body="Anyone?")
    # The request's own work: the comment, not the fan-out (run at commit, in the worker).
    with CaptureQueriesContext(connection) as in_request:
        comment = services.post_comment(
            author=commenter, theory=theory, body="Hello all", parent=asked
        )
    assert not any("guide_notification" in q["sql"] for q in in_request.captured_queries)
    with CaptureQueriesContext(connection) as delivery:
        services.deliver_comment(comment_id=comment.pk)
    assert Notification.objects.filter(comment=comment).count() == 1_001
    batches = -(-1_001 // services.FANOUT_BATCH)
    inserts = [q for q in delivery.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == batches
    # The comment with its parent, the reply's line, then a read and an insert per batch
    # of followers, and a last read that finds no more (the 1,000 make whole batches):
    # two statements a batch, however many follow.
    follower_batches = 1_000 // services.FANOUT_BATCH
    assert len(delivery.captured_queries) == 1 + 1 + 2 * follower_batches + 1
    # Mail at once: the one fan answered (followers hear of comments in the digest), in
    # the same few statements however many follow.
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as mailing:
        assert tasks.mail_comment.call(comment.pk) == 1
    assert [message.to for message in mail.outbox] == [[author.email]]
    # Who wants mail at once (an indexed read of the comment's lines), the lines to mail,
    # the fan's progress; then the claim, in a transaction of its own (begun and ended as
    # a savepoint here): the fan's lock, which of their lines the limits let go, marking
    # them, the record of the mail.
    assert len(mailing.captured_queries) == 9


# The inbox page -----------------------------------------------------------------------------


def test_the_inbox_groups_lines_by_theory_and_kind(
    theory, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ana, bo = UserFactory(display_name="Ana"), UserFactory(display_name="Bo")
    post(theory, ana, capture=capture)
    post(theory, bo, capture=capture)
    post(theory, ana, capture=capture)
    html = signed_in(author).get(reverse("guide:inbox")).text
    assert "3 new comments on “The cure is in the school”, from Ana and 1 other" in html
    assert "3 unread" in html
    # Another fan's inbox counts only their own lines: none.
    assert "You are all caught up." in signed_in(ana).get(reverse("guide:inbox")).text


def test_comments_on_two_theories_of_one_season_are_two_groups(
    theory, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        second = services.post_theory(
            author=author, season=theory.season, title="The principal knew", body="x"
        )
    post(theory, UserFactory(display_name="Ana"), capture=capture)
    post(second, UserFactory(display_name="Bo"), capture=capture)
    html = signed_in(author).get(reverse("guide:inbox")).text
    assert "Ana commented on “The cure is in the school”" in html
    assert "Bo commented on “The principal knew”" in html


def test_opening_a_group_marks_it_read_and_shows_the_comment(
    theory, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = post(theory, UserFactory(), capture=capture)
    second = post(theory, UserFactory(), capture=capture)
    client = signed_in(author)
    lines = list(Notification.objects.filter(recipient=author).order_by("pk"))
    response = client.post(
        reverse("guide:inbox_open", args=[lines[1].pk]), {"line": [lines[0].pk, lines[1].pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/comments/{second.pk}/#comment-{second.pk}"
    assert not Notification.objects.filter(recipient=author, read_at=None).exists()
    assert first.pk != second.pk


def test_a_fan_opens_and_reads_only_their_own_lines(
    theory, author, django_capture_on_commit_callbacks
):
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    line = Notification.objects.get(recipient=author)
    stranger = signed_in(UserFactory())
    assert stranger.post(reverse("guide:inbox_open", args=[line.pk])).status_code == 404
    stranger.post(reverse("guide:inbox_read"))
    line.refresh_from_db()
    assert line.read_at is None
    assert Client().get(reverse("guide:inbox")).status_code == HTTPStatus.FOUND


def test_mark_all_read(theory, author, django_capture_on_commit_callbacks):
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    client = signed_in(author)
    client.post(reverse("guide:inbox_read"))
    assert not Notification.objects.filter(recipient=author, read_at=None).exists()
    assert "You are all caught up." in client.get(reverse("guide:inbox")).text


COUNT = re.compile(r'<span class="count">(\d+)<span class="visually-hidden"> unread')


def unread_in_header(client) -> int:
    found = COUNT.search(client.get(reverse("guide:theory_list")).text)
    return int(found.group(1)) if found else 0


@pytest.mark.usefixtures("page_cache")
def test_the_header_count_is_each_fans_own_and_current(
    theory, author, django_capture_on_commit_callbacks
):
    reader = signed_in(author)
    other = signed_in(UserFactory())
    assert unread_in_header(reader) == 0
    for _ in range(2):
        post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    # The list page is shared between fans (core.pagecache); each gets their own count.
    assert unread_in_header(other) == 0
    assert unread_in_header(reader) == 2
    reader.post(reverse("guide:inbox_read"))
    reader.get(reverse("guide:inbox"))  # shows the "marked read" message
    assert unread_in_header(reader) == 0


def test_the_inbox_names_no_text_and_calls_a_spoiler_a_spoiler(
    season, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        secret = services.post_theory(
            author=author,
            season=season,
            title="Cheong-san lives",
            body="x",
            spoiler_season=1,
            spoiler_free_title="About the boy in the fire",
        )
    post(secret, UserFactory(), "He walked out of it", capture=capture, spoiler_season=1)
    WatchProgress.objects.create(user=author, show=season.show, seasons_watched=0)
    html = signed_in(author).get(reverse("guide:inbox")).text
    assert "About the boy in the fire" in html
    assert "Cheong-san lives" not in html
    assert "walked out" not in html
    assert "a spoiler for season 1" in html
    WatchProgress.objects.filter(user=author).update(seasons_watched=1)
    assert "a spoiler for season 1" not in signed_in(author).get(reverse("guide:inbox")).text


def test_a_hidden_theorys_lines_name_it_no_more(theory, author, django_capture_on_commit_callbacks):
    follower = UserFactory()
    services.follow(user=follower, theory=theory)
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    html = signed_in(follower).get(reverse("guide:inbox")).text
    assert "a theory that is no longer shown" in html
    assert "The cure is in the school" not in html
    line = Notification.objects.get(recipient=follower)
    assert reverse("guide:inbox_open", args=[line.pk]) not in html  # nothing to open


def test_the_inbox_asks_as_many_queries_with_more_lines(
    theory, author, django_capture_on_commit_callbacks
):
    client = signed_in(author)
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)

    def grow():
        capture = django_capture_on_commit_callbacks
        for _ in range(60):
            post(theory, UserFactory(), capture=capture)
        # Groups about other theories, from other fans, on other shows' seasons.
        for i in range(5):
            season = SeasonFactory()
            services.follow_season(user=author, season=season)
            with capture(execute=True):
                other = services.post_theory(
                    author=UserFactory(), season=season, title=f"Other {i}", body="Yes."
                )
            services.follow(user=author, theory=other)
            post(other, UserFactory(), f"@{author.username} look", capture=capture)
            # and a line of each season's own news, which names its show.
            services.deliver_season_change(
                season_id=season.pk, changes=["status"], at=datetime.now(UTC)
            )

    assert_queries_do_not_grow(lambda: count_queries(client, reverse("guide:inbox")), grow, "inbox")


# Following ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("page_cache")
def test_on_a_page_shared_between_fans_each_sees_their_own_follow_button(theory):
    follower, other = UserFactory(), UserFactory()
    services.follow(user=follower, theory=theory)
    url = theory.get_absolute_url()
    assert "You follow this theory." not in signed_in(other).get(url).text  # stores it
    assert "You follow this theory." in signed_in(follower).get(url).text
    assert "You follow this theory." not in signed_in(other).get(url).text


def test_a_fan_follows_and_unfollows_from_the_theory_page(theory):
    fan = UserFactory()
    client = signed_in(fan)
    page = client.get(theory.get_absolute_url()).text
    assert ">Follow</button>" in page
    url = reverse("guide:follow", args=[theory.pk])
    response = client.post(url, {"follow": "1", "next": theory.get_absolute_url()})
    assert response["Location"] == theory.get_absolute_url()
    assert Follow.objects.filter(user=fan, theory=theory).exists()
    assert "You follow this theory." in client.get(theory.get_absolute_url()).text
    client.post(url, {"follow": "0"})
    assert not Follow.objects.filter(user=fan, theory=theory).exists()
    assert ">Follow</button>" not in Client().get(theory.get_absolute_url()).text


def test_nobody_follows_a_theory_they_may_not_see(theory):
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    fan = UserFactory()
    response = signed_in(fan).post(reverse("guide:follow", args=[theory.pk]), {"follow": "1"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Follow.objects.filter(user=fan).exists()


# Mentions ----------------------------------------------------------------------------------


def test_a_mention_links_the_fan_and_tells_them(theory, author, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    named = UserFactory(username="Ji_ho")
    comment = post(theory, UserFactory(), "Ask @ji_ho, or @nobody_here.", capture=capture)
    assert f'<a href="{named.get_absolute_url()}" rel="nofollow ugc noopener">@ji_ho</a>' in (
        comment.body_html
    )
    assert "@nobody_here" in comment.body_html
    assert comment.body_html.count("<a ") == 1
    assert lines_of(named) == [(NotificationKind.MENTION, comment.pk)]
    html = signed_in(named).get(reverse("guide:inbox")).text
    assert "mentioned you on “The cure is in the school”" in html


def test_who_is_answered_and_mentioned_hears_once_of_a_reply_and_nobody_of_themselves(
    theory, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    asker, replier = UserFactory(username="asker"), UserFactory(username="replier")
    asked = post(theory, asker, "Anyone?", capture=capture)
    answer = post(theory, replier, "@asker yes, says @replier", parent=asked, capture=capture)
    assert (NotificationKind.REPLY, answer.pk) in lines_of(asker)
    assert Notification.objects.filter(comment=answer, recipient=asker).count() == 1
    assert all(comment != answer.pk for _kind, comment in lines_of(replier))
    # The theory's author, who follows it, is mentioned: a mention, not a comment.
    named = post(theory, replier, "What does @author think?", capture=capture)
    assert (NotificationKind.MENTION, named.pk) in lines_of(author)
    assert (NotificationKind.COMMENT, named.pk) not in lines_of(author)
    assert tasks.deliver_comment.call(named.pk) == 1  # the author, once


def test_an_edit_links_the_mentions_it_adds(theory, author):
    UserFactory(username="late_friend")
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    services.edit_comment(comment=comment, body="Hm, @late_friend?")
    comment.refresh_from_db()
    assert 'href="/u/late_friend/"' in comment.body_html


def test_a_mention_added_by_an_edit_tells_that_fan_once_and_nobody_else_again(
    theory, author, django_capture_on_commit_callbacks
):
    late, early = UserFactory(username="late_friend"), UserFactory(username="early_friend")
    comment = post(
        theory, UserFactory(), "Hm, @early_friend", capture=django_capture_on_commit_callbacks
    )
    before = set(Notification.objects.values_list("recipient", "kind"))
    for body in ("Hm, @early_friend and @late_friend?", "Hm, @late_friend!"):
        with django_capture_on_commit_callbacks(execute=True):
            services.edit_comment(comment=comment, body=body)
    after = set(Notification.objects.values_list("recipient", "kind"))
    assert after - before == {(late.pk, NotificationKind.MENTION)}
    assert (early.pk, NotificationKind.MENTION) in before
    assert (author.pk, NotificationKind.COMMENT) in before


def test_a_deactivated_fan_is_no_mention(theory):
    UserFactory(username="gone_quiet", is_active=False)
    comment = services.post_comment(author=UserFactory(), theory=theory, body="@gone_quiet?")
    assert "<a " not in comment.body_html


def test_mention_suggestions_name_active_fans_by_the_start_of_their_username(theory):
    UserFactory(username="Jiho", display_name="Ji-ho")
    UserFactory(username="jihyun")
    UserFactory(username="jiwon", is_active=False)
    UserFactory(username="minji")
    client = signed_in(UserFactory(username="writer"))
    url = reverse("guide:fan_names")
    assert client.get(url, {"q": "JI"}).json() == {
        "fans": [{"username": "Jiho", "name": "Ji-ho"}, {"username": "jihyun", "name": "jihyun"}]
    }
    assert client.get(url, {"q": "%"}).json() == {"fans": []}
    assert client.get(url, {"q": ""}).json() == {"fans": []}
    assert Client().get(url, {"q": "ji"}).status_code == HTTPStatus.FOUND


# Edges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["\u00b2", "9" * 5000, str(2**70), "-1", "x"])
def test_odd_line_values_are_ignored(theory, author, django_capture_on_commit_callbacks, value):
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    line = Notification.objects.get(recipient=author)
    url = reverse("guide:inbox_open", args=[line.pk])
    response = signed_in(author).post(url, {"line": [value]})
    assert response.status_code == HTTPStatus.FOUND
    line.refresh_from_db()
    assert line.read_at is not None


def test_a_line_whose_comment_went_leads_to_its_discussion(
    theory, author, django_capture_on_commit_callbacks
):
    comment = post(theory, UserFactory(), "Rude", capture=django_capture_on_commit_callbacks)
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    line = Notification.objects.get(recipient=author)
    response = signed_in(author).post(reverse("guide:inbox_open", args=[line.pk]))
    assert response["Location"] == theory.get_absolute_url() + "#comments"


def test_the_inbox_forgets_who_wrote_a_deleted_comment(
    theory, author, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    said = post(theory, UserFactory(display_name="Regretful Rita"), "Oops", capture=capture)
    post(theory, UserFactory(), "An answer", parent=said, capture=capture)
    services.delete_comment(comment=said)
    html = signed_in(author).get(reverse("guide:inbox")).text
    assert "Regretful Rita" not in html
    assert Notification.objects.get(comment=said).actor is None


def test_a_name_with_an_at_sign_is_mentioned_whole(theory, django_capture_on_commit_callbacks):
    at_home, bob = UserFactory(username="bob@home"), UserFactory(username="bob")
    comment = post(
        theory, UserFactory(), "Hey @bob@home, look", capture=django_capture_on_commit_callbacks
    )
    told = set(Notification.objects.filter(comment=comment).values_list("recipient", flat=True))
    assert at_home.pk in told
    assert bob.pk not in told


# Following a season ---------------------------------------------------------------------------


def test_a_new_theory_reaches_the_fans_who_follow_its_season(
    season, author, django_capture_on_commit_callbacks
):
    follower, other_season_fan = UserFactory(), UserFactory()
    services.follow_season(user=follower, season=season)
    services.follow_season(user=author, season=season)
    services.follow_season(user=other_season_fan, season=SeasonFactory(number=2))
    with django_capture_on_commit_callbacks(execute=True):
        theory = services.post_theory(author=author, season=season, title="Rooftop", body="x")
    assert list(
        Notification.objects.filter(kind=NotificationKind.THEORY).values_list(
            "recipient", "theory", "comment"
        )
    ) == [(follower.pk, theory.pk, None)]
    tasks.deliver_theory.call(theory.pk)  # a retry
    assert Notification.objects.filter(kind=NotificationKind.THEORY).count() == 1
    client = signed_in(follower)
    html = client.get(reverse("guide:inbox")).text
    assert f"The Author posted a theory about {season}: “Rooftop”" in html
    line = Notification.objects.get(recipient=follower)
    response = client.post(reverse("guide:inbox_open", args=[line.pk]))
    assert response["Location"] == theory.get_absolute_url()


def test_new_theories_group_by_season(season, author, django_capture_on_commit_callbacks):
    follower = UserFactory()
    services.follow_season(user=follower, season=season)
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("One", "Two", "Three"):
            services.post_theory(author=author, season=season, title=title, body="x")
    html = signed_in(follower).get(reverse("guide:inbox")).text
    assert f"3 new theories about {season}, from The Author" in html


def test_a_fan_follows_a_season_from_its_guide(season):
    fan = UserFactory()
    client = signed_in(fan)
    url = season.get_absolute_url()
    assert ">Follow new theories</button>" in client.get(url).text
    client.post(
        reverse("guide:follow_season", args=[season.show.slug, season.number]), {"follow": "1"}
    )
    client.get(url)  # shows the message "You follow this season: …" once
    assert "You follow this season’s new theories." in client.get(url).text.replace("'", "’")
    assert ">Follow new theories</button>" in signed_in(UserFactory()).get(url).text
    client.post(
        reverse("guide:follow_season", args=[season.show.slug, season.number]), {"follow": "0"}
    )
    assert ">Follow new theories</button>" in client.get(url).text


@pytest.mark.usefixtures("page_cache")
def test_on_a_shared_season_guide_each_fan_sees_their_own_follow_button(season):
    follower, other = UserFactory(), UserFactory()
    services.follow_season(user=follower, season=season)
    services.follow_season(user=other, season=SeasonFactory(show=season.show, number=2))
    url = season.get_absolute_url()
    following = "You follow this season’s new theories."
    assert following not in signed_in(other).get(url).text.replace("'", "’")  # stores it
    assert following in signed_in(follower).get(url).text.replace("'", "’")
    assert following not in signed_in(other).get(url).text.replace("'", "’")


def test_new_theories_of_a_season_reach_its_followers_in_a_few_statements(
    season, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "FANOUT_BATCH", 2)
    followers = UserFactory.create_batch(3)
    for fan in followers:
        services.follow_season(user=fan, season=season)
    theory = TheoryFactory(season=season)
    with CaptureQueriesContext(connection) as delivery:
        assert services.deliver_theory(theory_id=theory.pk) == 3
    # The theory, then for each batch of two its followers (one union) and their lines;
    # the second batch is short, so no read asks for more.
    assert len(delivery.captured_queries) == 1 + 2 * 2
    assert Notification.objects.filter(theory=theory).count() == 3


@pytest.mark.parametrize("gone", ["withdrawn", "hidden"])
def test_a_theory_gone_before_its_delivery_tells_nobody(season, gone):
    services.follow_season(user=UserFactory(), season=season)
    theory = TheoryFactory(season=season)
    if gone == "withdrawn":
        theory.withdrawn_at = theory.created_at
    else:
        theory.is_hidden = True
    theory.save()
    assert services.deliver_theory(theory_id=theory.pk) == 0
    assert not Notification.objects.exists()


def test_mention_suggestions_ask_one_query_however_many_fans_match(django_assert_num_queries):
    client = signed_in(UserFactory(username="writer"))
    client.get(reverse("guide:fan_names"), {"q": "wr"})  # the session, once
    UserFactory.create_batch(5, username=factory.Sequence(lambda n: f"jiwoo{n}"))
    with django_assert_num_queries(1):  # the names (the fan's own row is cached)
        names = client.get(reverse("guide:fan_names"), {"q": "jiwoo"}).json()["fans"]
    assert len(names) == 5
    assert all(fan["name"] == fan["username"] for fan in names)


def test_the_inbox_is_newest_first_by_comment_pages_on_and_marks_what_is_new(
    theory, author, django_capture_on_commit_callbacks, monkeypatch
):
    older = services.post_comment(
        author=UserFactory(display_name="Old"), theory=TheoryFactory(), body="a"
    )
    newer = services.post_comment(
        author=UserFactory(display_name="New"), theory=TheoryFactory(), body="b"
    )
    for comment in (older, newer):
        services.follow(user=author, theory=comment.theory)
    Comment.objects.filter(pk=older.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    tasks.deliver_comment.call(newer.pk)
    tasks.deliver_comment.call(older.pk)  # delivered last, written first
    client = signed_in(author)
    html = client.get(reverse("guide:inbox")).text
    assert html.index("New commented") < html.index("Old commented")
    assert html.count('<span class="badge badge-open">New</span>') == 2
    services.mark_read(user=author, notification_ids=[Notification.objects.get(comment=older).pk])
    html = client.get(reverse("guide:inbox")).text
    assert html.count('<span class="badge badge-open">New</span>') == 1
    monkeypatch.setattr(selectors, "INBOX_LINES_PER_PAGE", 1)
    second_page = client.get(reverse("guide:inbox"), {"page": 2}).text
    assert "Old commented" in second_page
    assert "New commented" not in second_page


def test_a_moderator_still_sees_which_hidden_theory_a_line_is_about(
    theory, django_capture_on_commit_callbacks, moderator, moderator_client
):
    services.follow(user=moderator, theory=theory)
    post(theory, UserFactory(), capture=django_capture_on_commit_callbacks)
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    html = moderator_client.get(reverse("guide:inbox")).text
    assert "“The cure is in the school”" in html


def test_a_moderator_is_warned_of_a_spoiler_in_a_hidden_comment_they_may_still_read(
    theory, django_capture_on_commit_callbacks, moderator, moderator_client
):
    services.follow(user=moderator, theory=theory)
    comment = post(
        theory,
        UserFactory(),
        "He lives",
        spoiler_season=2,
        capture=django_capture_on_commit_callbacks,
    )
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    html = moderator_client.get(reverse("guide:inbox")).text
    assert "a spoiler for season 2" in html
    assert "He lives" not in html


# Following shows and fans ------------------------------------------------------------------


def test_a_new_theory_reaches_who_follows_its_show_or_author_once(
    season, author, django_capture_on_commit_callbacks
):
    by_show, by_fan, by_all, bystander = (UserFactory() for _ in range(4))
    services.follow_show(user=by_show, show=season.show)
    services.follow_fan(user=by_fan, fan=author)
    services.follow_show(user=by_all, show=season.show)
    services.follow_fan(user=by_all, fan=author)
    services.follow_season(user=by_all, season=season)
    services.follow_show(user=author, show=season.show)  # nobody hears of their own
    other_season = SeasonFactory(show=season.show, number=2)
    with django_capture_on_commit_callbacks(execute=True):
        theory = services.post_theory(
            author=author, season=other_season, title="Season two opens in a shelter", body="x"
        )
    told = Notification.objects.filter(theory=theory, kind=NotificationKind.THEORY)
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [by_show.pk, by_fan.pk, by_all.pk]
    )
    assert "The Author posted a theory about" in signed_in(by_fan).get(reverse("guide:inbox")).text
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_a_fan_follows_a_show_and_another_fan_and_stops(season, author):
    fan = UserFactory()
    client = signed_in(fan)
    show_page = season.show.get_absolute_url()
    assert "Follow new theories" in client.get(show_page).text
    client.post(reverse("guide:follow_show", args=[season.show.slug]), {"follow": "1"})
    assert "You follow this show" in client.get(show_page).text
    client.post(reverse("guide:follow_show", args=[season.show.slug]), {"follow": "0"})
    assert "Follow new theories" in client.get(show_page).text
    assert selectors.marks_of(fan, {"follow_show": [season.show.pk]}) == {"follow_show": {}}

    profile = reverse("accounts:profile", args=[author.username])
    assert "Follow The Author" in client.get(profile).text
    client.post(reverse("guide:follow_fan", args=[author.username]), {"follow": "1"})
    assert "You follow The Author’s new theories." in client.get(profile).text
    assert selectors.followed_fans(fan, [author.pk]) == {author.pk}
    client.post(reverse("guide:follow_fan", args=[author.username]), {"follow": "0"})
    assert selectors.followed_fans(fan, [author.pk]) == set()


def test_a_fan_who_left_can_be_unfollowed_but_not_followed(author):
    fan = UserFactory()
    services.follow_fan(user=fan, fan=author)
    author.is_active = False
    author.save(update_fields=["is_active"])
    client = signed_in(fan)
    url = reverse("guide:follow_fan", args=[author.username])
    assert client.post(url, {"follow": "0"}).status_code == 302
    assert not fan.fan_follows.exists()
    assert client.post(url, {"follow": "1"}).status_code == 404
    assert not fan.fan_follows.exists()


def test_nobody_follows_themselves(author):
    client = signed_in(author)
    own = reverse("accounts:profile", args=[author.username])
    assert reverse("guide:follow_fan", args=[author.username]) not in client.get(own).text
    response = client.post(reverse("guide:follow_fan", args=[author.username]), {"follow": "1"})
    assert response.status_code == 404
    with pytest.raises(services.FollowSelfError):
        services.follow_fan(user=author, fan=author)
    assert not author.fan_follows.exists()


@pytest.mark.usefixtures("page_cache")
def test_on_shared_pages_each_fan_sees_their_own_show_and_fan_follow_buttons(season, author):
    follower, other = UserFactory(), UserFactory()
    services.follow_show(user=follower, show=season.show)
    services.follow_fan(user=follower, fan=author)
    for url, followed in (
        (season.show.get_absolute_url(), "You follow this show"),
        (reverse("accounts:profile", args=[author.username]), "You follow The Author"),
    ):
        assert followed not in signed_in(other).get(url).text  # stores it
        assert followed in signed_in(follower).get(url).text
        assert followed not in signed_in(other).get(url).text
    # The author's own profile, shared or not, offers them nothing to follow.
    own = signed_in(author).get(reverse("accounts:profile", args=[author.username])).text
    assert "Follow The Author" not in own


def test_the_following_page_lists_what_the_fan_follows_and_unfollows_in_one_click(
    season, author, theory
):
    fan = UserFactory()
    services.follow(user=fan, theory=theory)
    services.follow_season(user=fan, season=season)
    services.follow_show(user=fan, show=season.show)
    services.follow_fan(user=fan, fan=author)
    client = signed_in(fan)
    page = client.get(reverse("guide:following")).text
    assert "The cure is in the school" in page
    assert str(season) in page
    assert "The Author" in page
    assert page.count(">Unfollow</button>") == 4
    response = client.post(
        reverse("guide:follow_fan", args=[author.username]),
        {"follow": "0", "next": reverse("guide:following")},
    )
    assert response["Location"] == reverse("guide:following")
    assert client.get(reverse("guide:following")).text.count(">Unfollow</button>") == 3
    # Only what the fan may still see: a hidden theory leaves the list.
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    assert "The cure is in the school" not in client.get(reverse("guide:following")).text


def test_the_following_page_asks_as_many_queries_with_more_follows(season, author):
    fan = UserFactory()
    client = signed_in(fan)

    def grow():
        for i in range(20):
            services.follow(user=fan, theory=TheoryFactory(season=season))
            services.follow_season(user=fan, season=SeasonFactory(number=10 + i))
            services.follow_show(user=fan, show=SeasonFactory(number=40 + i).show)
            services.follow_fan(user=fan, fan=UserFactory())

    assert_queries_do_not_grow(
        lambda: count_queries(client, reverse("guide:following")), grow, "following page"
    )


def test_the_following_page_lists_only_the_fans_own_follows_newest_first(season, author):
    fan, other = UserFactory(), UserFactory()
    theirs = TheoryFactory(season=season)
    own_hidden = TheoryFactory(season=season, author=fan, is_hidden=True)
    draft = SeasonFactory(show__is_published=False)
    gone = UserFactory(is_active=False)
    for followed in (own_hidden, theirs):  # a fan still sees their own hidden theory
        services.follow(user=fan, theory=followed)
    # Rows need not come in the order of their dates: newest by date, not by row.
    Follow.objects.filter(theory=own_hidden).update(created_at=datetime(2030, 1, 1, tzinfo=UTC))
    for followed in (season, draft):
        services.follow_season(user=fan, season=followed)
    for show in (season.show, draft.show):
        services.follow_show(user=fan, show=show)
    for followed in (author, gone):
        services.follow_fan(user=fan, fan=followed)
    # Another fan's follows are theirs alone.
    services.follow(user=other, theory=TheoryFactory(season=season))
    services.follow_season(user=other, season=SeasonFactory())
    services.follow_show(user=other, show=SeasonFactory().show)
    services.follow_fan(user=other, fan=UserFactory())
    shown = selectors.following(fan)
    assert shown.theories == [own_hidden, theirs]  # newest first
    assert (shown.seasons, shown.shows, shown.fans) == ([season], [season.show], [author])


def test_follows_made_in_the_same_instant_list_the_later_one_first(season):
    fan = UserFactory()
    theories = TheoryFactory.create_batch(3, season=season)
    for followed in theories:
        services.follow(user=fan, theory=followed)
    Follow.objects.filter(user=fan).update(created_at=datetime(2030, 1, 1, tzinfo=UTC))
    assert selectors.following(fan).theories == theories[::-1]


def test_the_news_of_two_seasons_and_their_new_theories_are_grouped_apart(season, author):
    later = SeasonFactory(show=season.show, number=2)
    fan = UserFactory()
    for followed in (season, later):
        services.follow_season(user=fan, season=followed)
        services.deliver_season_change(
            season_id=followed.pk, changes=["status"], at=datetime.now(UTC)
        )
        theory = TheoryFactory(season=followed)
        services.deliver_theory(theory_id=theory.pk)
    _page, groups = selectors.inbox(user=fan, page=None)
    about = sorted(
        (group.kind, group.newest.season_id or group.theory.season_id) for group in groups
    )
    assert about == [
        ("season", season.pk),
        ("season", later.pk),
        ("theory", season.pk),
        ("theory", later.pk),
    ]


def test_a_seasons_news_of_one_save_is_listed_newest_line_first(season):
    """The lines of one save share their time: the later line comes first all the same."""
    fan = UserFactory()
    services.follow_season(user=fan, season=season)
    at = datetime.now(UTC)
    services.deliver_season_change(
        season_id=season.pk, changes=["release_date", "status", "fact"], at=at
    )
    _page, groups = selectors.inbox(user=fan, page=None)
    assert [group.newest.change for group in groups] == ["fact", "status", "release_date"]


@pytest.mark.parametrize("follows", [True, False])
def test_the_follow_button_asks_whether_the_fan_follows_a_theory_read_without_marks(
    theory, rf, follows
):
    """`{% follow_button %}` on a theory no query annotated with the fan's marks reads
    whether they follow it, and only their own follow counts."""
    fan, other = UserFactory(), UserFactory()
    services.follow(user=other, theory=theory)
    if follows:
        services.follow(user=fan, theory=TheoryFactory())
        services.follow(user=fan, theory=theory)
    request = rf.get(theory.get_absolute_url())
    request.user = fan
    bare = Theory.objects.get(pk=theory.pk)  # no `followed` on it
    html = Template("{% load guide_tags %}{% follow_button theory %}").render(
        RequestContext(request, {"theory": bare, "user": fan})
    )
    assert ("You follow this theory." in html) is follows
    assert (">Follow</button>" in html) is not follows
    assert f'name="follow" value="{0 if follows else 1}"' in html
