"""Hidden theories and comments exist only for their author and for moderators.

Being signed in, or being staff, is not enough: an editor keeps the facts and never sees
what moderators hid; another fan never sees a hidden comment's text.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Vote
from tests.factories import UserFactory
from tests.kit.html import Page, page_of
from tests.kit.worlds import COMMENT_BODY, build_world

pytestmark = pytest.mark.django_db

HIDDEN_COMMENT = "Buy followers cheap at spam dot example."
HIDDEN_THEORY_TITLE = "A theory the moderators took down"


@pytest.fixture
def world(db, moderator):
    world = build_world()
    world.bad_comment = services.post_comment(
        author=world.fan, theory=world.theory, body=HIDDEN_COMMENT
    )
    services.set_hidden(moderator=moderator, item=world.bad_comment, hidden=True, reason="spam")
    world.hidden_theory = services.post_theory(
        author=world.fan, season=world.s2, title=HIDDEN_THEORY_TITLE, body="Spam."
    )
    services.set_hidden(moderator=moderator, item=world.hidden_theory, hidden=True, reason="spam")
    return world


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def readers(world, editor) -> dict[str, Client]:
    """Everyone but the author and the moderators."""
    return {
        "visitor": Client(),
        "another fan": signed_in(world.other_fan),
        "a brand-new fan": signed_in(UserFactory(username="newcomer")),
        "an editor": signed_in(editor),
        "staff without a group": signed_in(UserFactory(username="intern", is_staff=True)),
    }


def test_a_hidden_comment_is_gone_for_everyone_but_its_author_and_moderators(world, editor):
    url = world.theory.get_absolute_url()
    for who, client in readers(world, editor).items():
        page = page_of(client.get(url))
        assert HIDDEN_COMMENT not in page.text, who
        assert f"comment-{world.bad_comment.pk}" not in [e.attrs.get("id") for e in page.elements]
        # The world's own comment is still there, and counted alone.
        assert COMMENT_BODY in page.text, who
        assert "1 comment" in page.text, who
        assert "2 comments" not in page.text, who


def test_a_hidden_comment_stays_with_its_author_and_moderators(world, moderator):
    for user in (world.fan, moderator):
        page = page_of(signed_in(user).get(world.theory.get_absolute_url()))
        assert HIDDEN_COMMENT in page.text


def test_a_card_counts_the_comments_everyone_may_read(world, moderator, editor):
    """A hidden comment counts on no card, its author's and moderators' included, so
    pages that list the theory are the same for all; its theory's own page counts it for
    those who see it there."""
    everyone = {
        **readers(world, editor),
        "author": signed_in(world.fan),
        "mod": signed_in(moderator),
    }
    for who, client in everyone.items():
        listing = page_of(client.get(reverse("guide:theory_list"))).text
        assert "1 comment" in listing, who
        assert "2 comments" not in listing, who
    for who in ("author", "mod"):
        own = page_of(everyone[who].get(world.theory.get_absolute_url())).text
        assert "2 comments" in own, who


def test_a_hidden_comment_cannot_be_reported_by_another_fan(world):
    response = signed_in(world.other_fan).get(
        reverse("guide:report_comment", args=[world.bad_comment.pk])
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_hidden_theory_is_not_found_for_everyone_but_its_author_and_moderators(world, editor):
    theory = world.hidden_theory
    for who, client in readers(world, editor).items():
        assert client.get(theory.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND, who
        listing = Page(client.get(reverse("guide:theory_list")))
        assert HIDDEN_THEORY_TITLE not in listing.text, who


def test_an_editor_cannot_vote_on_or_comment_on_a_hidden_theory(world, editor):
    client = signed_in(editor)
    theory = world.hidden_theory
    vote = client.post(reverse("guide:vote", args=[theory.pk]), {"value": 1})
    assert vote.status_code == HTTPStatus.NOT_FOUND
    comment = client.post(reverse("guide:comment_create", args=[theory.pk]), {"body": "Hi"})
    assert comment.status_code == HTTPStatus.NOT_FOUND
    assert not Vote.objects.filter(theory=theory).exists()
    assert not theory.comments.exists()


def test_a_hidden_theory_stays_with_its_author_and_moderators(world, moderator):
    for user in (world.fan, moderator):
        response = signed_in(user).get(world.hidden_theory.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert HIDDEN_THEORY_TITLE in Page(response).text
