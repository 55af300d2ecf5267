"""Sign-up, log-in (and its throttling), passwords, settings, profile and deletion."""

import datetime
import re
from http import HTTPStatus

import axes.utils
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from guide import services
from guide.models import Outcome, SeasonStatus, Theory, Vote
from tests.factories import PASSWORD, SeasonFactory, ShowFactory, TheoryFactory, UserFactory
from tests.kit.html import SCRIPT_PAYLOADS, Page, assert_field_error, assert_no_injection

pytestmark = pytest.mark.django_db

STRONG = "zombie-hyosan-rooftop-42"
EVIL_NEXTS = ["https://evil.example/", "//evil.example", "/\\evil.example"]


@pytest.fixture(autouse=True)
def _fresh_state():
    axes.utils.reset()


def body_of(response) -> str:
    return response.content.decode()


def signup_data(**overrides):
    data = {
        "username": "newfan",
        "email": "newfan@example.com",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def login(client, username, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# Sign-up -----------------------------------------------------------------------------------


def test_signup_creates_user_logs_in_and_redirects_to_next(client):
    target = reverse("guide:theory_list")
    response = client.post(reverse("accounts:signup") + f"?next={target}", signup_data())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == target
    user = User.objects.get(username="newfan")
    # The address counts once the link mailed to it is followed (test_signup_privacy.py).
    assert (user.email, user.pending_email) == ("", "newfan@example.com")
    assert user.check_password(STRONG)
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_signup_ignores_offsite_next(client, evil):
    response = client.post(reverse("accounts:signup"), {**signup_data(), "next": evil})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"


def test_duplicate_username_case_insensitive(client, fan):
    response = client.post(
        reverse("accounts:signup"), signup_data(username="FAN", email="x@example.com")
    )
    assert_field_error(response, "username")
    assert re.search(
        r"(That username is taken|A user with that username already exists)", body_of(response)
    )
    assert User.objects.count() == 1
    # What was typed is kept.
    assert Page(response).field("email").attrs.get("value") == "x@example.com"


@pytest.mark.parametrize("weak", ["short", "password123", "12345678901", "newfan99"])
def test_weak_password_rejected(client, weak):
    response = client.post(reverse("accounts:signup"), signup_data(password1=weak, password2=weak))
    assert_field_error(response, "password2")
    assert not User.objects.exists()


def test_mismatched_passwords_rejected(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2=STRONG + "x"))
    assert_field_error(response, "password2")
    assert not User.objects.exists()


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS)
def test_signup_username_injection_is_rejected_and_inert(client, payload):
    response = client.post(reverse("accounts:signup"), signup_data(username=payload))
    assert_field_error(response, "username")
    assert_no_injection(response)
    assert not User.objects.exists()


def test_signed_in_fan_is_sent_home_from_signup(fan_client):
    response = fan_client.get(reverse("accounts:signup"))
    assert response.status_code == HTTPStatus.FOUND


# Log-in and log-out -----------------------------------------------------------------------


def test_login_redirects_to_next(client, fan):
    target = reverse("guide:theory_list") + "?sort=new"
    response = client.post(
        reverse("accounts:login"), {"username": "fan", "password": PASSWORD, "next": target}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == target
    assert is_logged_in(client)


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_login_ignores_offsite_next(client, fan, evil):
    response = client.post(
        reverse("accounts:login"), {"username": "fan", "password": PASSWORD, "next": evil}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("guide:home")


def test_wrong_password_shows_error(client, fan):
    response = login(client, "fan", "wrong")
    assert response.status_code == HTTPStatus.OK
    assert "did not match" in body_of(response)
    assert not is_logged_in(client)


def test_logout_is_post_only(fan_client):
    # A visit shows the log-out button; only the POST logs out.
    assert fan_client.get(reverse("accounts:logout")).status_code == HTTPStatus.OK
    assert is_logged_in(fan_client)
    response = fan_client.post(reverse("accounts:logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert not is_logged_in(fan_client)


# Login throttling (django-axes) -----------------------------------------------------------


def _fail(client, username, times):
    for _ in range(times):
        response = login(client, username, "wrong password")
        assert response.status_code == HTTPStatus.OK
        assert not is_logged_in(client)


def test_lockout_after_five_failures_even_with_right_password(client, fan):
    _fail(client, "fan", 4)
    login(client, "fan", "wrong password")  # the fifth
    response = login(client, "fan", PASSWORD)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts" in body_of(response)
    assert not is_logged_in(client)


def test_lockout_does_not_lock_other_usernames(client, fan, other_fan):
    _fail(client, "fan", 4)
    login(client, "fan", "wrong password")
    response = login(client, "other_fan", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(client)


def test_lockout_does_not_lock_other_addresses(fan):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _fail(attacker, "fan", 4)
    login(attacker, "fan", "wrong password")
    assert login(attacker, "fan", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = login(owner, "fan", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(owner)


def test_success_resets_failure_count(client, fan):
    _fail(client, "fan", 4)
    assert login(client, "fan", PASSWORD).status_code == HTTPStatus.FOUND
    client.post(reverse("accounts:logout"))
    _fail(client, "fan", 4)
    response = login(client, "fan", PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(client)


# Passwords -----------------------------------------------------------------------------------


def test_password_change(fan_client, fan):
    response = fan_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:password_change_done")
    fan.refresh_from_db()
    assert fan.check_password(STRONG)
    assert is_logged_in(fan_client)  # the session survives the change
    fresh = Client()
    assert login(fresh, "fan", STRONG).status_code == HTTPStatus.FOUND


def test_password_change_wrong_old_password(fan_client, fan):
    response = fan_client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    assert Page(response).field("old_password").attrs.get("aria-invalid") == "true"
    fan.refresh_from_db()
    assert fan.check_password(PASSWORD)


def test_password_reset_by_email(client, fan):
    response = client.post(reverse("accounts:password_reset"), {"email": "fan@example.com"})
    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fan@example.com"]
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", message.body)
    assert link, message.body
    response = client.get(link.group(1), follow=True)
    assert response.status_code == HTTPStatus.OK
    set_password_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(set_password_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:password_reset_complete")
    fresh = Client()
    assert login(fresh, "fan", PASSWORD).status_code == HTTPStatus.OK  # old one is gone
    assert login(fresh, "fan", STRONG).status_code == HTTPStatus.FOUND


def test_password_reset_unknown_email_sends_nothing(client, fan):
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.com"})
    assert response.status_code == HTTPStatus.FOUND  # no account enumeration
    assert mail.outbox == []


# Settings ---------------------------------------------------------------------------------


def test_settings_saves_display_name_and_bio(fan_client, fan):
    response = fan_client.post(
        reverse("accounts:settings"),
        {"display_name": "Zombie Scholar", "bio": "I read the webtoon.", "email": fan.email},
    )
    assert response.status_code == HTTPStatus.FOUND
    fan.refresh_from_db()
    assert (fan.display_name, fan.bio) == ("Zombie Scholar", "I read the webtoon.")
    profile = Client().get(fan.get_absolute_url())
    assert "Zombie Scholar" in body_of(profile)
    assert "I read the webtoon." in body_of(profile)


def test_settings_errors_next_to_fields(fan_client, fan):
    response = fan_client.post(
        reverse("accounts:settings"),
        {"display_name": "x" * 61, "bio": "Kept bio", "email": fan.email},
    )
    assert_field_error(response, "display_name", "at most 60 characters")
    assert "Kept bio" in body_of(response)
    response = fan_client.post(
        reverse("accounts:settings"),
        {"display_name": "ok", "bio": "bell \x07", "email": fan.email},
    )
    assert_field_error(response, "bio")
    fan.refresh_from_db()
    assert fan.display_name == ""
    assert fan.bio == ""


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS)
def test_display_name_and_bio_injection_is_inert(fan_client, fan, payload):
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    theory = services.post_theory(author=fan, season=season, title="Mine", body="Text")
    response = fan_client.post(
        reverse("accounts:settings"),
        {"display_name": payload[:60], "bio": payload, "email": fan.email},
    )
    assert response.status_code == HTTPStatus.FOUND
    for url in (
        fan.get_absolute_url(),
        theory.get_absolute_url(),
        reverse("guide:theory_list"),
        reverse("guide:home"),
        reverse("accounts:settings"),
    ):
        for viewer in (fan_client, Client()):
            if url == reverse("accounts:settings") and viewer is not fan_client:
                continue
            page = viewer.get(url)
            assert page.status_code == HTTPStatus.OK
            assert_no_injection(page)


# Profile -------------------------------------------------------------------------------------


def test_profile_shows_theories_and_record(client, fan):
    show = ShowFactory()
    released = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    TheoryFactory(author=fan, season=released, title="Called it", outcome=Outcome.CONFIRMED)
    TheoryFactory(author=fan, season=released, title="Missed it", outcome=Outcome.DEBUNKED)
    TheoryFactory(author=fan, season=released, title="Half right", outcome=Outcome.PARTLY)
    TheoryFactory(author=fan, season=released, title="Hidden one", is_hidden=True)
    TheoryFactory(season=released, title="Someone else's")
    body = body_of(client.get(fan.get_absolute_url()))
    for title in ("Called it", "Missed it", "Half right"):
        assert title in body
    assert "Hidden one" not in body
    assert "Someone else&#x27;s" not in body
    for label, n in (("Confirmed", 1), ("Partly confirmed", 1), ("Debunked", 1)):
        assert re.search(rf"<dt>{label}</dt><dd>{n}</dd>", body), label
    assert re.search(r"<dt>Hit rate</dt><dd>50%</dd>", body)


def test_inactive_user_profile_is_404(client):
    UserFactory(username="gone", is_active=False)
    assert client.get(reverse("accounts:profile", args=["gone"])).status_code == 404


# Deleting an account --------------------------------------------------------------------------


def test_delete_account_requires_password(fan_client, fan):
    response = fan_client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert_field_error(response, "password", "That is not your password.")
    assert User.objects.filter(pk=fan.pk).exists()


def test_delete_account_removes_votes_and_fixes_counts(fan_client, fan, other_fan, moderator):
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    theirs = services.post_theory(author=other_fan, season=season, title="Theirs", body="x")
    mine = services.post_theory(author=fan, season=season, title="My theory", body="y")
    services.cast_vote(user=fan, theory_id=theirs.pk, value=1)
    services.cast_vote(user=moderator, theory_id=theirs.pk, value=-1)
    services.cast_vote(user=other_fan, theory_id=mine.pk, value=1)
    services.post_comment(author=fan, theory=theirs, body="My comment stays")

    response = fan_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=fan.pk).exists()
    assert not is_logged_in(fan_client)
    assert not Vote.objects.filter(user_id=fan.pk).exists()
    theirs.refresh_from_db()
    assert (theirs.upvotes, theirs.downvotes, theirs.score) == (0, 1, -1)
    mine.refresh_from_db()
    assert mine.author is None
    assert (mine.upvotes, mine.score) == (1, 1)
    assert theirs.comments.get().author is None

    page = Client().get(mine.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert "deleted fan" in body_of(page)
    comment_page = Client().get(theirs.get_absolute_url())
    assert "My comment stays" in body_of(comment_page)
    assert "deleted fan" in body_of(comment_page)
    assert Theory.objects.count() == 2
