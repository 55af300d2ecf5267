"""Comment votes: exact like theory votes, never on one's own comment, each fan's own on
shared pages, and the discussion ordered by them when a fan asks for the top."""

import threading
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Comment, CommentVote
from tests.factories import TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def comment(db):
    return services.post_comment(author=UserFactory(), theory=TheoryFactory(), body="Hm")


def counts(comment) -> tuple[int, int, int]:
    comment.refresh_from_db()
    return comment.upvotes, comment.downvotes, comment.score


def rows(comment) -> tuple[int, int]:
    votes = CommentVote.objects.filter(comment=comment)
    return votes.filter(value=1).count(), votes.filter(value=-1).count()


def test_a_vote_moves_with_its_row_up_down_and_clear(comment):
    fan = UserFactory()
    for value, expected in [(1, (1, 0, 1)), (1, (1, 0, 1)), (-1, (0, 1, -1)), (0, (0, 0, 0))]:
        services.cast_comment_vote(user=fan, comment_id=comment.pk, value=value)
        assert counts(comment) == expected
        assert rows(comment) == expected[:2]


def test_nobody_votes_on_their_own_comment_or_on_a_withdrawn_theorys(comment):
    with pytest.raises(services.OwnCommentVoteError):
        services.cast_comment_vote(user=comment.author, comment_id=comment.pk, value=1)
    theory = comment.theory
    services.delete_theory(theory=theory)  # another fan's comment: it is withdrawn
    with pytest.raises(services.WithdrawnError):
        services.cast_comment_vote(user=UserFactory(), comment_id=comment.pk, value=1)
    assert counts(comment) == (0, 0, 0)


def test_a_fan_votes_with_a_plain_form_or_with_json(comment):
    client = signed_in(UserFactory())
    url = reverse("guide:comment_vote", args=[comment.pk])
    response = client.post(url, {"value": "1", "next": comment.get_absolute_url()})
    assert response["Location"] == comment.get_absolute_url()
    json = client.post(url, {"value": "-1"}, headers={"Accept": "application/json"}).json()
    assert json == {"score": -1, "my_vote": -1}
    assert client.post(url, {"value": "7"}).status_code == HTTPStatus.BAD_REQUEST
    own = signed_in(comment.author).post(
        url, {"value": "1"}, headers={"Accept": "application/json"}
    )
    assert own.status_code == HTTPStatus.FORBIDDEN
    assert counts(comment) == (0, 1, -1)


def test_a_visitor_is_asked_to_log_in(comment):
    response = Client().post(reverse("guide:comment_vote", args=[comment.pk]), {"value": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    assert counts(comment) == (0, 0, 0)


def test_nobody_votes_on_a_hidden_comment(comment):
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    response = signed_in(UserFactory()).post(
        reverse("guide:comment_vote", args=[comment.pk]), {"value": "1"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_page_shows_each_fans_own_vote(comment):
    voter, other = UserFactory(), UserFactory()
    services.cast_comment_vote(user=voter, comment_id=comment.pk, value=1)
    url = comment.theory.get_absolute_url()
    pressed = 'class="vote-up" aria-pressed="true" aria-label="Vote up comment'
    assert pressed in signed_in(voter).get(url).text
    assert pressed not in signed_in(other).get(url).text
    # Its author sees the score alone.
    assert f"Vote up comment {comment.pk}" not in signed_in(comment.author).get(url).text


@pytest.mark.usefixtures("page_cache")
def test_on_a_page_shared_between_fans_each_gets_their_own_vote(comment):
    voter, other = UserFactory(), UserFactory()
    services.cast_comment_vote(user=voter, comment_id=comment.pk, value=-1)
    url = comment.theory.get_absolute_url()
    pressed = 'class="vote-down" aria-pressed="true" aria-label="Vote down comment'
    assert pressed not in signed_in(other).get(url).text
    assert pressed in signed_in(voter).get(url).text
    assert pressed not in signed_in(other).get(url).text


def test_top_orders_the_discussion_by_score(comment):
    theory = comment.theory
    liked = services.post_comment(author=UserFactory(), theory=theory, body="Liked")
    for _ in range(2):
        services.cast_comment_vote(user=UserFactory(), comment_id=liked.pk, value=1)
    html = Client().get(theory.get_absolute_url(), {"sort": "top"}).text
    assert html.index(f'id="comment-{liked.pk}"') < html.index(f'id="comment-{comment.pk}"')
    html = Client().get(theory.get_absolute_url()).text
    assert html.index(f'id="comment-{comment.pk}"') < html.index(f'id="comment-{liked.pk}"')


def test_a_deleted_account_takes_its_comment_votes_and_their_counts(comment):
    fan = UserFactory()
    other = services.post_comment(author=UserFactory(), theory=comment.theory, body="Other")
    for value in (1, 1, 1, -1):  # other fans' votes stay, and so do their counts
        services.cast_comment_vote(user=UserFactory(), comment_id=comment.pk, value=value)
    services.cast_comment_vote(user=UserFactory(), comment_id=other.pk, value=-1)
    services.cast_comment_vote(user=fan, comment_id=comment.pk, value=1)
    services.cast_comment_vote(user=fan, comment_id=other.pk, value=-1)
    services.remove_votes_of(user=fan)
    assert counts(comment) == (3, 1, 2)
    assert rows(comment) == (3, 1)
    assert counts(other) == (0, 1, -1)


@pytest.mark.django_db(transaction=True)
def test_fans_voting_at_once_leave_counts_equal_to_the_rows():
    comment = services.post_comment(author=UserFactory(), theory=TheoryFactory(), body="Hm")
    fans = UserFactory.create_batch(12)
    start = threading.Barrier(len(fans))
    errors = []

    def vote(fan, value):
        try:
            start.wait()
            services.cast_comment_vote(user=fan, comment_id=comment.pk, value=value)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=vote, args=[fan, 1 if n % 3 else -1]) for n, fan in enumerate(fans)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert counts(comment) == (*rows(comment), rows(comment)[0] - rows(comment)[1])
    assert rows(comment) == (8, 4)
    assert Comment.objects.get(pk=comment.pk).score == 4


@pytest.mark.parametrize("with_reply", [False, True], ids=["deleted", "left as a stand-in"])
def test_a_vote_on_a_comment_deleted_on_its_way_is_not_found(comment, with_reply):
    """The deletion lands between the view's lookup and the vote's row lock."""
    if with_reply:
        services.post_comment(author=UserFactory(), theory=comment.theory, body="r", parent=comment)
    hold = services.hold_fan

    def hold_while_deleting(user):
        hold(user)
        services.delete_comment(comment=Comment.objects.get(pk=comment.pk))

    client = signed_in(UserFactory())
    with mock.patch.object(services, "hold_fan", hold_while_deleting):
        response = client.post(reverse("guide:comment_vote", args=[comment.pk]), {"value": "1"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not CommentVote.objects.filter(comment_id=comment.pk).exists()


def test_a_comment_vote_reaches_only_a_comment_the_fan_may_see(comment, moderator):
    fan = UserFactory()
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    with pytest.raises(Comment.DoesNotExist):  # hidden from the fan
        services.cast_comment_vote(user=fan, comment_id=comment.pk, value=1)
    with pytest.raises(services.CommentGone):  # a moderator sees it, but it takes no votes
        services.cast_comment_vote(user=moderator, comment_id=comment.pk, value=1)
    comment.is_hidden = False
    comment.save(update_fields=["is_hidden"])
    theory = comment.theory
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    with pytest.raises(Comment.DoesNotExist):  # its theory is hidden from the fan
        services.cast_comment_vote(user=fan, comment_id=comment.pk, value=1)
    response = signed_in(fan).post(
        reverse("guide:comment_vote", args=[comment.pk]),
        {"value": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert counts(comment) == (0, 0, 0)
    assert rows(comment) == (0, 0)
