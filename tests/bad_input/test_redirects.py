"""`next` parameters never send a reader off-site, whatever they hold."""

import ipaddress
import uuid
from urllib.parse import quote

from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bad_input.hostile import (
    FEW,
    HYPOTHESIS,
    NEXT,
    OFFSITE_NEXT,
    TEXT,
    check,
    redirect_stays_on_site,
)
from tests.factories import PASSWORD, UserFactory
from tests.kit.counts import assert_vote_counts_match_rows


def test_redirect_oracle():
    assert redirect_stays_on_site("/theories/1/x/", secure=True)
    assert redirect_stays_on_site("https://testserver/a", secure=True)
    assert redirect_stays_on_site("?page=2", secure=False)
    for target in OFFSITE_NEXT:
        if target.startswith("/%2F"):
            continue  # a path on this site, percent-encoded slashes stay in the path
        assert not redirect_stays_on_site(target, secure=True), target


# `next` parameters ----------------------------------------------------------------------------


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans())
@example(target="https://evil.example/", secure=True)
@example(target="//evil.example", secure=False)
@example(target="/\\evil.example", secure=True)
@example(target="http://testserver/", secure=True)
def test_login_next_never_leaves_the_site(world, target, secure):
    UserFactory(username="nextfan")
    client = Client()
    login_url = reverse("accounts:login")
    response = client.post(
        login_url,
        {"username": "nextfan", "password": PASSWORD, "next": target},
        secure=secure,
    )
    check(response, allowed={302}, secure=secure)
    # Already signed in: the login page sends the fan straight to `next`.
    response = client.get(login_url, {"next": target}, secure=secure)
    check(response, allowed={200, 302}, secure=secure)


@FEW
@given(target=NEXT, secure=st.booleans())
@example(target="//evil.example", secure=True)
def test_signup_next_never_leaves_the_site(world, target, secure):
    # Each from an address of its own: sign-ups are limited per client address.
    client = Client(REMOTE_ADDR=str(ipaddress.IPv6Address(uuid.uuid4().int)))
    username = f"new{uuid.uuid4().hex[:12]}"
    response = client.post(
        reverse("accounts:signup") + "?" + f"next={quote(target, safe='')}",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
        secure=secure,
    )
    check(response, allowed={302, 400}, secure=secure)


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans(), value=st.sampled_from(["1", "-1", "0"]))
@example(target="https://evil.example/", secure=True, value="1")
def test_vote_next_never_leaves_the_site(fan_client, world, target, secure, value):
    theory = world.spoiler_theory
    response = fan_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": value, "next": target}, secure=secure
    )
    check(response, allowed={302}, secure=secure)
    assert_vote_counts_match_rows()


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans(), logged_in=st.booleans())
@example(target="//evil.example", secure=False, logged_in=False)
def test_set_progress_next_never_leaves_the_site(
    client, fan_client, world, target, secure, logged_in
):
    actor = fan_client if logged_in else client
    response = actor.post(
        reverse("guide:set_progress"),
        {"show": world.show.pk, "seasons_watched": "1", "next": target},
        secure=secure,
    )
    check(response, allowed={302}, secure=secure)


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans())
@example(target="//evil.example", secure=False)
def test_theme_next_never_leaves_the_site(client, world, target, secure):
    response = client.post(reverse("guide:theme"), {"theme": "dark", "next": target}, secure=secure)
    check(response, allowed={302}, secure=secure)
    # ?next= in the query string as well as the body.
    response = client.post(
        reverse("guide:theme") + f"?next={quote(target, safe='')}",
        {"theme": "light"},
        secure=secure,
    )
    check(response, allowed={302}, secure=secure)


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans(), language=TEXT)
@example(target="//evil.example", secure=False, language="ko")
def test_set_language_next_never_leaves_the_site(client, world, target, secure, language):
    for lang in (language, "ko"):
        response = client.post(
            reverse("set_language"), {"language": lang, "next": target}, secure=secure
        )
        check(response, allowed={302, 204}, secure=secure)
