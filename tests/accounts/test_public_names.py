"""No fan's name can pass for another fan's, or for the site's own people.

Usernames at sign-up and display names in the settings refuse hidden characters, look-
alikes of existing usernames, and names that claim to speak for the site; and wherever
a display name stands for a fan, their username stands beside it.
"""

import datetime
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from guide import services
from guide.models import Outcome, SeasonStatus
from tests.factories import SeasonFactory, ShowFactory, TheoryFactory, UserFactory

STRONG = "zombie-hyosan-rooftop-42"

HIDDEN = [
    "ali\u200bce",  # zero-width space
    "ali\u200dce",  # zero-width joiner
    "\u202eecila",  # right-to-left override
    "Zombie\u2066Scholar",  # left-to-right isolate
    "ali\u00adce",  # soft hyphen
    "\ufeffalice",  # byte order mark
    "a\u3164b",  # Hangul filler, a "letter" that draws nothing
    "a\u2800b",  # braille blank
    "ali\ufe0fce",  # variation selector
    "Zalgo\u0301\u0302\u0303\u0304",
    "tab\there",
]
LOOKALIKES_OF_ALICE = [
    "Alice",
    "ALICE",
    "\u0430lice",  # Cyrillic а
    "\u0391lice",  # Greek Α
    "al1ce",
    "aIice",  # capital I for l
    "a.l.i.c.e",
    "\uff41\uff4c\uff49\uff43\uff45",  # fullwidth
    "alicé",
]
RESERVED = [
    "admin",
    "Administrator",
    "Moderator team",
    "ModeratorTeam",
    "the_moderators",
    "m0derator",
    "\u043cоderator",  # Cyrillic м and о
    "Staff",
    "Support",
    "Next Season",
    "nextseason_official",
    "NEXT.SEASON",
    "deleted fan",
]
FINE = ["Zombie Scholar", "남라 팬", "Badminton fan", "Modern Family", "Ïñès", "On-jo's #1 fan"]


def sign_up(username):
    return Client().post(
        reverse("accounts:signup"),
        {
            "username": username,
            "email": "someone@example.com",
            "password1": STRONG,
            "password2": STRONG,
        },
    )


def set_display_name(client, name):
    return client.post(reverse("accounts:settings"), {"display_name": name, "bio": "kept bio"})


def field_errors(response, field) -> list[str]:
    return response.context["form"].errors.get(field, [])


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


# Display names --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", HIDDEN)
def test_display_name_refuses_hidden_characters(fan_client, fan, name):
    response = set_display_name(fan_client, name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "display_name")
    fan.refresh_from_db()
    assert fan.display_name == ""


@pytest.mark.django_db
@pytest.mark.parametrize("name", LOOKALIKES_OF_ALICE)
def test_display_name_cannot_look_like_another_fans_username(fan_client, fan, alice, name):
    response = set_display_name(fan_client, name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "display_name") == [
        "That name looks too much like another fan's username. Please choose another."
    ]
    # What was typed comes back.
    assert 'value="' in response.content.decode()
    assert "kept bio" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", RESERVED)
def test_display_name_cannot_speak_for_the_site(fan_client, fan, name):
    response = set_display_name(fan_client, name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "display_name") == [
        "That name is kept for the site and its team. Please choose another."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*FINE, "FAN", "Fan"])
def test_ordinary_names_and_ones_own_username_are_fine(fan_client, fan, alice, name):
    response = set_display_name(fan_client, name)
    assert response.status_code == HTTPStatus.FOUND
    fan.refresh_from_db()
    assert fan.display_name == name


# Usernames at sign-up -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["\u0430lice", "al1ce", "a.l.i.c.e", "a_lice", "ALlCE", "\u0430\u04cfice"]
)
def test_a_new_username_cannot_look_like_an_existing_one(alice, username):
    response = sign_up(username)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "username") == [
        "That name looks too much like another fan's username. Please choose another."
    ]
    assert not User.objects.exclude(pk=alice.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["admin", "moderators", "Staff", "support", "NextSeason", "next.season", "m0d"]
)
def test_a_new_username_cannot_speak_for_the_site(username):
    response = sign_up(username)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "username") == [
        "That name is kept for the site and its team. Please choose another."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["a\u3164b", "\u3164", "a\u115fb"])
def test_a_new_username_cannot_hold_blank_letters(username):
    response = sign_up(username)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "username")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_exact_match_still_says_taken(alice):
    response = sign_up("ALICE")
    assert field_errors(response, "username") == ["A user with that username already exists."]


@pytest.mark.django_db
def test_a_username_kept_by_staff_stays_theirs():
    """The rules are for fans' forms: staff and createsuperuser may still use "admin"."""
    UserFactory(username="admin", is_staff=True)
    response = sign_up("\u0430dmin")
    assert response.status_code == HTTPStatus.BAD_REQUEST


# The look-alike key -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_look_alike_key_follows_a_renamed_username(alice):
    alice.username = "bob"
    alice.save(update_fields=["username"])
    assert User.objects.get(pk=alice.pk).username_skeleton == "bob"
    response = sign_up("b\u043eb")  # Cyrillic о
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert sign_up("alice").status_code == HTTPStatus.FOUND


# Where names show -------------------------------------------------------------------------------


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.django_db
def test_the_username_stands_beside_a_display_name(client):
    author = UserFactory(username="real_author", display_name="Zombie Scholar")
    season = SeasonFactory(show=ShowFactory(), number=1, status=SeasonStatus.ANNOUNCED)
    theory = services.post_theory(author=author, season=season, title="A theory", body="Text")
    services.post_comment(author=author, theory=theory, body="A comment")
    released = SeasonFactory(
        show=season.show,
        number=9,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
    )
    TheoryFactory(author=author, season=released, outcome=Outcome.CONFIRMED)  # leaderboard

    for url in (
        theory.get_absolute_url(),
        reverse("guide:theory_list"),
        author.get_absolute_url(),
        reverse("guide:leaderboard"),
    ):
        page = _text(client.get(url).content.decode())
        assert "Zombie Scholar @real_author" in page, url
    detail = _text(client.get(theory.get_absolute_url()).content.decode())
    assert detail.count("Zombie Scholar @real_author") >= 2  # the theory and the comment


@pytest.mark.django_db
def test_a_fan_without_a_display_name_shows_once(client):
    author = UserFactory(username="plain_author")
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    theory = services.post_theory(author=author, season=season, title="A theory", body="Text")
    page = _text(client.get(theory.get_absolute_url()).content.decode())
    assert "plain_author" in page
    assert "@plain_author" not in page
