"""Who may edit and delete what: the rules themselves, and the links fans see."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from guide.models import SeasonStatus
from guide.permissions import can_delete, can_edit, is_moderator
from tests.factories import CommentFactory, SeasonFactory, TheoryFactory, UserFactory
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db

RULES = [can_edit, can_delete]


@pytest.fixture
def author(db):
    return UserFactory(username="author")


@pytest.fixture
def theory(author):
    return TheoryFactory(author=author, season=SeasonFactory(status=SeasonStatus.ANNOUNCED))


@pytest.fixture
def comment(author, theory):
    return CommentFactory(author=author, theory=theory)


@pytest.mark.parametrize("rule", RULES)
def test_authors_may_change_their_own_theories_and_comments(rule, author, theory, comment):
    assert rule(author, theory) is True
    assert rule(author, comment) is True


@pytest.mark.parametrize("rule", RULES)
def test_nobody_else_may(rule, theory, comment, other_fan, moderator, superuser):
    for user in (None, AnonymousUser(), other_fan, moderator, superuser):
        assert rule(user, theory) is False, user
        assert rule(user, comment) is False, user


@pytest.mark.parametrize("rule", RULES)
def test_a_theory_whose_season_is_out_is_frozen_for_its_author_too(rule, author):
    aired = SeasonFactory(status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28))
    frozen = TheoryFactory(author=author, season=aired)
    assert rule(author, frozen) is False
    # Comments on it are not frozen: only the prediction is.
    assert rule(author, CommentFactory(author=author, theory=frozen)) is True


@pytest.mark.parametrize("rule", RULES)
def test_a_withdrawn_theory_stays_as_it_was_left(rule, author, theory):
    theory.withdrawn_at = timezone.now()
    theory.save(update_fields=["withdrawn_at"])
    assert rule(author, theory) is False


def test_moderators_are_active_staff_with_the_moderation_permission(moderator, editor, fan):
    assert is_moderator(moderator)
    for user in (None, AnonymousUser(), editor, fan, UserFactory(is_staff=True)):
        assert not is_moderator(user), user
    moderator.is_active = False
    assert not is_moderator(moderator)


def test_the_author_sees_edit_and_delete_on_their_comment_and_nobody_else_does(
    author, theory, comment, other_fan, client
):
    url = theory.get_absolute_url()
    for user, expected in ((author, True), (other_fan, False)):
        client.force_login(user)
        hrefs = page_of(client.get(url)).hrefs
        assert (f"/comments/{comment.pk}/edit/" in hrefs) is expected, user
        assert (f"/comments/{comment.pk}/delete/" in hrefs) is expected, user
