"""Arbitrary POST bodies to every form: success or the form again with its errors,
and nothing a fan typed is lost on a validation error.
"""

import html
from http import HTTPStatus

from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from guide.models import Theory
from tests.bad_input.hostile import (
    FEW,
    FEWER,
    FIELD,
    HYPOTHESIS,
    NEXT,
    NUMBERS,
    RAW_BYTES,
    TEXT,
    TYPED,
    check,
    check_form_post,
)
from tests.factories import PASSWORD

# POST bodies ----------------------------------------------------------------------------------


@FEW
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "username": FIELD,
            "email": FIELD,
            "password1": FIELD,
            "password2": FIELD,
        },
    )
)
@example(data={"username": "\x00", "email": "a\x00@example.com", "password1": "x"})
@example(data={"username": "fan", "email": "FAN@example.com", "password1": PASSWORD})
def test_signup_body(world, data):
    response = Client().post(reverse("accounts:signup"), data)
    check_form_post(response, data=data)


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries({}, optional={"username": FIELD, "password": FIELD, "next": NEXT})
)
@example(data={"username": "\x00", "password": "\x00"})
@example(data={"username": "fan", "password": "x" * 10000})
@example(data={"username": "x" * 300, "password": "p"})  # longer than axes' varchar(255)
def test_login_body(world, data):
    response = Client().post(reverse("accounts:login"), data)
    # 429/403: the username+address pair is locked after repeated failures.
    check(response, allowed={200, 302, 400, 403, 429})


THEORY_FIELDS = {
    "season": st.one_of(NUMBERS, TEXT),
    "title": TEXT,
    "body": TEXT,
    "characters": st.one_of(NUMBERS, st.lists(st.one_of(NUMBERS, TEXT), max_size=3)),
    "spoiler_season": st.one_of(NUMBERS, TEXT),
}


@HYPOTHESIS
@given(data=st.fixed_dictionaries({}, optional=THEORY_FIELDS), use_real_season=st.booleans())
@example(data={"season": str(10**30), "title": "t", "body": "b"}, use_real_season=False)
@example(
    data={"season": "-1", "title": "t", "body": "b", "characters": "-5"}, use_real_season=False
)
@example(data={"title": "a\x00b", "body": "b", "spoiler_season": "99"}, use_real_season=True)
@example(data={"title": "ok", "body": "x" * 100_000}, use_real_season=True)
@example(data={"title": "ok", "body": "b", "characters": str(10**30)}, use_real_season=True)
@example(data={"title": "ok", "body": "b", "characters": ["1", "-1", "x"]}, use_real_season=True)
def test_theory_create_body(fan_client, world, data, use_real_season):
    if use_real_season:
        data = {**data, "season": str(world.s2.pk)}
    before = Theory.objects.count()
    response = fan_client.post(reverse("guide:theory_create"), data)
    check_form_post(response, data=data)
    if response.status_code != HTTPStatus.FOUND:
        assert Theory.objects.count() == before
    else:
        assert Theory.objects.count() == before + 1


@HYPOTHESIS
@given(data=st.fixed_dictionaries({}, optional=THEORY_FIELDS))
@example(data={"title": "\x07", "body": "fine"})
@example(data={"title": "ok", "body": "b", "characters": str(10**30)})
def test_theory_edit_body(fan_client, world, data):
    theory = world.theory
    response = fan_client.post(reverse("guide:theory_edit", args=[theory.pk]), data)
    check_form_post(response, data=data)
    theory.refresh_from_db()
    # The predicted season never changes, whatever is posted.
    assert theory.season_id == world.s2.pk


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries(
        {}, optional={"body": TEXT, "spoiler_season": st.one_of(NUMBERS, TEXT)}
    )
)
@example(data={"body": "\x00"})
@example(data={"body": "ok", "spoiler_season": str(10**30)})
def test_comment_body(fan_client, world, data):
    theory = world.spoiler_theory
    response = fan_client.post(reverse("guide:comment_create", args=[theory.pk]), data)
    check_form_post(response, data=data)
    comment = world.comment
    response = fan_client.post(reverse("guide:comment_edit", args=[comment.pk]), data)
    # Not the fan's comment: 404, whatever the body.
    check(response, allowed={404})


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries({}, optional={"reason": TEXT, "note": TEXT}),
    kind=st.sampled_from(["theory", "comment"]),
)
@example(data={"reason": "spam", "note": "\x00"}, kind="theory")
@example(data={"reason": "spam", "note": "x" * 501}, kind="comment")
def test_report_body(fan_client, world, data, kind):
    item = world.spoiler_theory if kind == "theory" else world.comment
    response = fan_client.post(reverse(f"guide:report_{kind}", args=[item.pk]), data)
    check_form_post(response, data=data)


@HYPOTHESIS
@given(data=st.fixed_dictionaries({}, optional={"display_name": TEXT, "bio": TEXT, "email": TEXT}))
@example(data={"display_name": "\x00", "bio": "\x1b", "email": "x\x00@example.com"})
@example(data={"email": "other_fan@example.com"})
@example(data={"display_name": "x" * 10_000})
def test_settings_body(fan_client, world, data):
    response = fan_client.post(reverse("accounts:settings"), data)
    check_form_post(response, data=data)


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries(
        {}, optional={"show": st.one_of(NUMBERS, TEXT), "seasons_watched": st.one_of(NUMBERS, TEXT)}
    ),
    logged_in=st.booleans(),
)
@example(data={"show": str(10**30), "seasons_watched": "1"}, logged_in=True)
@example(data={"show": "1", "seasons_watched": str(10**30)}, logged_in=False)
def test_set_progress_body(client, fan_client, world, data, logged_in):
    actor = fan_client if logged_in else client
    response = actor.post(reverse("guide:set_progress"), data)
    check(response, allowed={302, 400})


@HYPOTHESIS
@given(theme=FIELD)
def test_theme_body(client, world, theme):
    response = client.post(reverse("guide:theme"), {"theme": theme})
    check(response, allowed={302, 400})


@FEWER
@given(raw=RAW_BYTES)
def test_invalid_utf8_in_form_bodies(fan_client, world, raw):
    """Raw bytes in an urlencoded body, sent as they are."""
    for url in (
        reverse("guide:theory_create"),
        reverse("guide:comment_create", args=[world.spoiler_theory.pk]),
        reverse("accounts:settings"),
        reverse("guide:theme"),
        reverse("guide:set_progress"),
    ):
        for body in (b"body=" + raw + b"&title=" + raw, raw):
            response = fan_client.post(url, body, content_type="application/x-www-form-urlencoded")
            # An empty body is no submission: the settings page answers with its form.
            check(response, allowed={200, 302, 400} if not body else {302, 400})


# Nothing typed is lost ------------------------------------------------------------------------


@FEW
@given(title=TYPED, body=TYPED)
def test_invalid_theory_keeps_what_was_typed(fan_client, world, title, body):
    # No season chosen: a field error, and the title and body come back.
    response = fan_client.post(reverse("guide:theory_create"), {"title": title, "body": body})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors["season"]
    content = response.content.decode()
    assert html.escape(title) in content
    assert html.escape(body) in content


@FEW
@given(body=TYPED)
def test_invalid_comment_keeps_what_was_typed(fan_client, world, body):
    response = fan_client.post(
        reverse("guide:comment_create", args=[world.spoiler_theory.pk]),
        {"body": body, "spoiler_season": "not a season"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["comment_form"].errors["spoiler_season"]
    assert html.escape(body) in response.content.decode()
