"""Threaded discussion: replies nest under the comment they answer, a few levels deep on
the theory page and onward on each comment's own page; a deleted or hidden comment with
replies stays as a stand-in without its text, so a thread never loses its replies."""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import selectors, services
from guide.models import Comment, CommentOrder, Revision
from tests.factories import TheoryFactory, UserFactory
from tests.kit.counts import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db


class Threads(HTMLParser):
    """Each comment on a page (li.comment), in page order, with the comment whose
    replies list holds it (None at the top)."""

    def __init__(self, html: str):
        super().__init__()
        self.parents: dict[int, int | None] = {}
        self.order: list[int] = []
        self._open: list[int | None] = []  # for each open <li>: its comment, or None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        attrs = dict(attrs)
        pk = None
        if "comment" in (attrs.get("class") or "").split():
            pk = int(attrs["id"].removeprefix("comment-"))
            above = [open_pk for open_pk in self._open if open_pk is not None]
            self.parents[pk] = above[-1] if above else None
            self.order.append(pk)
        self._open.append(pk)

    def handle_endtag(self, tag):
        if tag == "li":
            self._open.pop()


def threads(response) -> Threads:
    assert response.status_code == HTTPStatus.OK
    return Threads(response.text)


@pytest.fixture
def theory(db):
    return TheoryFactory()


def reply(to: Comment, body: str = "A reply", author=None) -> Comment:
    return services.post_comment(
        author=author or UserFactory(), theory=to.theory, parent=to, body=body
    )


def chain(theory, length: int) -> list[Comment]:
    """A comment and `length - 1` replies, each answering the one before."""
    comments = [services.post_comment(author=UserFactory(), theory=theory, body="Level 0")]
    for level in range(1, length):
        comments.append(reply(comments[-1], f"Level {level}"))
    return comments


# Shape ----------------------------------------------------------------------------------


def test_replies_nest_under_what_they_answer_three_levels_deep(theory):
    top, first, second, third = chain(theory, 4)
    other = services.post_comment(author=UserFactory(), theory=theory, body="Another")
    page = threads(Client().get(theory.get_absolute_url()))
    assert page.parents == {top.pk: None, first.pk: top.pk, second.pk: first.pk, other.pk: None}
    assert [third.depth, second.depth, top.depth] == [3, 2, 0]
    # The fourth level is on the third's own page, one link away.
    html = Client().get(theory.get_absolute_url()).text
    assert f'href="{second.get_absolute_url()}">Continue this thread (1 more reply)' in html
    onward = threads(Client().get(second.get_absolute_url()))
    assert onward.parents == {second.pk: None, third.pk: second.pk}


def test_replies_fold_away_without_scripts(theory):
    top, _first = chain(theory, 2)
    html = Client().get(theory.get_absolute_url()).text
    assert '<details class="replies" open><summary>1 reply</summary>' in html


def test_a_comments_page_links_back_up_the_thread(theory):
    top, first = chain(theory, 2)
    response = Client().get(first.get_absolute_url())
    assert f'href="{theory.get_absolute_url()}#comments"' in response.text
    assert f'href="{top.get_absolute_url()}"' in response.text
    top_page = Client().get(top.get_absolute_url()).text
    assert "The comment it answers" not in top_page


def test_the_count_in_the_heading_counts_replies_too(theory):
    chain(theory, 3)
    html = Client().get(theory.get_absolute_url()).text
    assert "3 comments</h2>" in html


@pytest.mark.parametrize("order", [CommentOrder.OLD, CommentOrder.NEW])
def test_comments_and_their_replies_follow_the_chosen_order(theory, order):
    first = services.post_comment(author=UserFactory(), theory=theory, body="First")
    second = services.post_comment(author=UserFactory(), theory=theory, body="Second")
    early, late = reply(first, "Early"), reply(first, "Late")
    page = threads(Client().get(theory.get_absolute_url(), {"sort": order}))
    expected = [first.pk, early.pk, late.pk, second.pk]
    if order == CommentOrder.NEW:
        expected = [second.pk, first.pk, late.pk, early.pk]
    assert page.order == expected


def test_an_unknown_order_is_the_default_and_pages_keep_a_chosen_one(theory, settings):
    for _ in range(selectors.COMMENTS_PER_PAGE + 1):
        services.post_comment(author=UserFactory(), theory=theory, body="Hello")
    assert Client().get(theory.get_absolute_url(), {"sort": "banana"}).status_code == 200
    html = Client().get(theory.get_absolute_url(), {"sort": "new"}).text
    assert 'href="?sort=new&amp;page=2"' in html


def test_more_replies_than_a_page_shows_lead_to_the_comments_own_pages(theory, monkeypatch):
    monkeypatch.setattr(selectors, "REPLIES_PER_LEVEL", 2)
    top = services.post_comment(author=UserFactory(), theory=theory, body="Top")
    replies = [reply(top, f"Reply {n}") for n in range(3)]
    page = threads(Client().get(theory.get_absolute_url()))
    assert [pk for pk, parent in page.parents.items() if parent == top.pk] == [
        replies[0].pk,
        replies[1].pk,
    ]
    html = Client().get(theory.get_absolute_url()).text
    assert f'href="{top.get_absolute_url()}">Continue this thread (1 more reply)' in html
    # Its own page pages its replies instead of sending the reader round in a circle.
    own = Client().get(top.get_absolute_url()).text
    assert "Continue this thread" not in own
    assert set(Threads(own).parents) == {top.pk, *(r.pk for r in replies)}
    monkeypatch.setattr(selectors, "COMMENTS_PER_PAGE", 2)
    own = Client().get(top.get_absolute_url()).text
    assert "Continue this thread" not in own
    assert 'href="?page=2"' in own
    later = Client().get(top.get_absolute_url(), {"page": 2}).text
    assert set(Threads(later).parents) == {top.pk, replies[2].pk}


# Replying -------------------------------------------------------------------------------


def test_a_fan_replies_from_the_comments_reply_page(theory, fan_client, fan):
    top = services.post_comment(author=UserFactory(), theory=theory, body="What do you think?")
    url = reverse("guide:comment_reply", args=[top.pk])
    form_page = fan_client.get(url)
    assert form_page.status_code == HTTPStatus.OK
    assert "What do you think?" in form_page.text
    assert "Your reply" in form_page.text
    response = fan_client.post(url, {"body": "I think **yes**.", "spoiler_season": ""})
    posted = Comment.objects.get(parent=top)
    assert (posted.author, posted.theory, posted.depth) == (fan, theory, 1)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{top.get_absolute_url()}#comment-{posted.pk}"
    assert "<strong>yes</strong>" in fan_client.get(response["Location"]).text


def test_a_visitor_is_asked_to_log_in_and_comes_back_to_reply(theory):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    url = reverse("guide:comment_reply", args=[top.pk])
    response = Client().get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    assert response["Location"].endswith(f"?next={url}")
    assert Client().post(url, {"body": "Sneaky"}).status_code == HTTPStatus.FOUND
    assert not Comment.objects.filter(parent=top).exists()


def test_a_bad_reply_is_explained_next_to_the_field_and_kept(theory, fan_client):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    url = reverse("guide:comment_reply", args=[top.pk])
    response = fan_client.post(url, {"body": "x" * 5_001, "spoiler_season": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "x" * 5_001 in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Comment.objects.filter(parent=top).exists()


def test_a_reply_previews_before_posting(theory, fan_client):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    url = reverse("guide:comment_reply", args=[top.pk])
    response = fan_client.post(url, {"body": "*Draft*", "spoiler_season": "", "preview": "1"})
    assert response.status_code == HTTPStatus.OK
    assert "<em>Draft</em>" in response.text
    assert not Comment.objects.filter(parent=top).exists()


def test_nobody_replies_on_a_withdrawn_theory(theory, fan_client):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    # Another fan's comment gives others a stake: deleting withdraws it instead.
    services.delete_theory(theory=theory)
    theory.refresh_from_db()
    assert theory.withdrawn_at is not None
    url = reverse("guide:comment_reply", args=[top.pk])
    fan_client.post(url, {"body": "Late", "spoiler_season": ""})
    assert not Comment.objects.filter(parent=top).exists()
    assert "Reply</a>" not in Client().get(top.get_absolute_url()).text


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused(theory):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    Comment.objects.filter(pk=top.pk).delete()
    with pytest.raises(services.ReplyTargetGone):
        reply(top)


def test_a_reply_names_a_comment_of_the_same_theory(theory):
    elsewhere = services.post_comment(author=UserFactory(), theory=TheoryFactory(), body="Hm")
    with pytest.raises(services.ReplyTargetGone):
        services.post_comment(author=UserFactory(), theory=theory, parent=elsewhere, body="x")


# Hidden and deleted comments in a thread ----------------------------------------------------


def test_a_deleted_comment_with_replies_stays_as_a_stand_in(theory, fan):
    top = services.post_comment(author=fan, theory=theory, body="Secret words")
    services.edit_comment(comment=top, body="Second secret words")
    answer = reply(top, "An answer")
    services.delete_comment(comment=Comment.objects.get(pk=top.pk))
    top.refresh_from_db()
    assert (top.body, top.body_html, top.author, top.is_deleted) == ("", "", None, True)
    assert not Revision.objects.filter(comment=top).exists()
    html = Client().get(theory.get_absolute_url()).text
    assert "This comment was deleted by its author." in html
    assert "secret words" not in html
    assert Threads(html).parents == {top.pk: None, answer.pk: top.pk}
    # Nobody answers, edits or reports a stand-in.
    client = Client()
    client.force_login(UserFactory())
    assert client.post(
        reverse("guide:comment_reply", args=[top.pk]), {"body": "x"}
    ).status_code in (
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
    )
    assert client.get(reverse("guide:report_comment", args=[top.pk])).status_code == 404


def test_a_stand_in_goes_with_its_last_reply(theory):
    top, first, second = chain(theory, 3)
    for comment in (top, first):
        services.delete_comment(comment=Comment.objects.get(pk=comment.pk))
    assert Comment.objects.filter(deleted_at__isnull=False).count() == 2
    services.delete_comment(comment=Comment.objects.get(pk=second.pk))
    assert not Comment.objects.filter(theory=theory).exists()
    assert "No comments yet." in Client().get(theory.get_absolute_url()).text


def test_emptying_one_thread_leaves_another_threads_stand_in(theory):
    first, first_reply = chain(theory, 2)
    second, second_reply = chain(theory, 2)
    for comment in (first, second):
        services.delete_comment(comment=Comment.objects.get(pk=comment.pk))
    services.delete_comment(comment=Comment.objects.get(pk=first_reply.pk))
    assert list(Comment.objects.filter(theory=theory).order_by("pk")) == [second, second_reply]


def test_a_moderator_answers_a_hidden_comment(theory, moderator_client):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Rude words")
    Comment.objects.filter(pk=top.pk).update(is_hidden=True)
    response = moderator_client.get(reverse("guide:comment_reply", args=[top.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "Rude words" in response.text


def test_a_deleted_comment_without_replies_is_gone(theory):
    top, first = chain(theory, 2)
    services.delete_comment(comment=Comment.objects.get(pk=first.pk))
    assert list(Comment.objects.filter(theory=theory)) == [top]


def test_a_hidden_comment_keeps_its_replies_for_other_readers(theory, moderator_client):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Rude words")
    answer = reply(top, "A kind answer")
    Comment.objects.filter(pk=top.pk).update(is_hidden=True)
    for client in (Client(), _signed_in(UserFactory())):
        html = client.get(theory.get_absolute_url()).text
        assert "Rude words" not in html
        assert "This comment was hidden by a moderator." in html
        assert Threads(html).parents == {top.pk: None, answer.pk: top.pk}
        assert "2 comments" not in html
        assert "1 comment</h2>" in html
    assert "Rude words" in moderator_client.get(theory.get_absolute_url()).text
    assert "Rude words" in moderator_client.get(top.get_absolute_url()).text


def test_a_hidden_comment_without_replies_is_not_shown_at_all(theory):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Rude words")
    Comment.objects.filter(pk=top.pk).update(is_hidden=True)
    html = Client().get(theory.get_absolute_url()).text
    assert f'id="comment-{top.pk}"' not in html
    assert Client().get(top.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_a_comment_on_a_hidden_theory_is_not_found(theory):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Hm")
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    assert Client().get(top.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Work ---------------------------------------------------------------------------------


def test_a_threaded_page_asks_as_many_queries_with_more_and_deeper_threads(theory):
    chain(theory, 5)
    pages = {
        "theory": theory.get_absolute_url,
        "comment": lambda: (
            Comment.objects.filter(theory=theory, depth=0).first().get_absolute_url()
        ),
    }
    readers = {"visitor": Client(), "fan": _signed_in(UserFactory())}

    def measure():
        return {
            (page, reader): count_queries(client, url())
            for page, url in pages.items()
            for reader, client in readers.items()
        }

    def grow():
        for _ in range(4):
            chain(theory, 6)
        first = Comment.objects.filter(theory=theory, depth=0).first()
        for _ in range(5):
            reply(first)

    assert_queries_do_not_grow(measure, grow, "threaded discussion")


def test_a_reply_under_two_deleted_comments_stays_in_the_discussion(theory):
    top, middle, last = chain(theory, 3)
    for comment in (middle, top):  # each still has a reply when it goes
        services.delete_comment(comment=Comment.objects.get(pk=comment.pk))
    html = Client().get(theory.get_absolute_url()).text
    assert Threads(html).parents == {top.pk: None, middle.pk: top.pk, last.pk: middle.pk}
    assert "Level 2" in html


def test_a_thread_too_deep_takes_no_more_replies(theory, fan_client):
    top, leaf = chain(theory, 2)
    Comment.objects.filter(pk=leaf.pk).update(depth=services.MAX_DEPTH)
    response = fan_client.post(
        reverse("guide:comment_reply", args=[leaf.pk]), {"body": "Deeper", "spoiler_season": ""}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert "as deep as threads go" in response.text
    assert "Deeper" in response.text
    assert not Comment.objects.filter(parent=leaf).exists()


def test_a_stand_in_over_replies_nobody_may_read_leads_nowhere(theory):
    top, middle, last = chain(theory, 3)
    services.delete_comment(comment=Comment.objects.get(pk=middle.pk))
    Comment.objects.filter(pk=last.pk).update(is_hidden=True)
    html = Client().get(theory.get_absolute_url()).text
    assert Threads(html).parents == {top.pk: None}
    assert "Continue this thread" not in html
    assert "1 reply" not in html


def test_the_discussion_pages_on_and_a_comments_replies_follow_the_chosen_order(
    theory, monkeypatch
):
    monkeypatch.setattr(selectors, "COMMENTS_PER_PAGE", 1)
    first = services.post_comment(author=UserFactory(), theory=theory, body="First")
    second = services.post_comment(author=UserFactory(), theory=theory, body="Second")
    later = threads(Client().get(theory.get_absolute_url(), {"page": 2}))
    assert list(later.parents) == [second.pk]
    monkeypatch.setattr(selectors, "COMMENTS_PER_PAGE", 50)
    early, late = reply(first, "Early"), reply(first, "Late")
    own = threads(Client().get(first.get_absolute_url(), {"sort": "new"}))
    assert own.order == [first.pk, late.pk, early.pk]


def test_a_moderator_reads_hidden_replies_and_comments_on_hidden_theories(theory, moderator_client):
    top = services.post_comment(author=UserFactory(), theory=theory, body="Top")
    hidden = reply(top, "Rude reply")
    Comment.objects.filter(pk=hidden.pk).update(is_hidden=True)
    assert "Rude reply" in moderator_client.get(top.get_absolute_url()).text
    assert "Rude reply" not in Client().get(top.get_absolute_url()).text
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    assert moderator_client.get(top.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.parametrize("own_marks", [True, False])
def test_a_discussion_carries_the_readers_own_marks_only_when_asked(theory, own_marks):
    """A page shared with fans is rendered without the reader's own marks (its holes
    show them); a page rendered for one reader carries them on every comment."""
    top, answer = chain(theory, 2)
    fan = UserFactory()
    for comment in (top, answer):
        services.cast_comment_vote(user=fan, comment_id=comment.pk, value=1)
        services.save_item(user=fan, item=comment)
    page = selectors.discussion(
        theory=theory, user=fan, order=CommentOrder.OLD, page=None, own_marks=own_marks
    )
    [shown_top] = page.object_list
    [shown_answer] = shown_top.shown_replies
    for comment in (shown_top, shown_answer):
        assert (comment.my_vote, comment.saved) == ((1, True) if own_marks else (None, False))


def test_a_comments_own_page_shows_the_reader_their_marks_on_its_replies(theory):
    top, answer = chain(theory, 2)
    fan = UserFactory()
    services.cast_comment_vote(user=fan, comment_id=answer.pk, value=-1)
    services.save_item(user=fan, item=answer)
    thread = selectors.comment_thread(pk=top.pk, user=fan, order=CommentOrder.OLD, page=None)
    [shown] = thread.comment.shown_replies
    assert (shown.pk, shown.my_vote, shown.saved) == (answer.pk, -1, True)


@pytest.mark.parametrize("page", [None, "", "1"])
def test_a_discussion_that_fits_on_its_first_page_is_not_counted(theory, page):
    """However the first page is asked for, a discussion shorter than a page is read in
    one query for its comments, without counting them first."""
    chain(theory, 1)
    with CaptureQueriesContext(connection) as queries:
        shown = selectors.discussion(
            theory=theory, user=AnonymousUser(), order=CommentOrder.OLD, page=page, own_marks=False
        )
    assert len(shown.object_list) == 1
    assert not [query for query in queries if '"__count"' in query["sql"]]
