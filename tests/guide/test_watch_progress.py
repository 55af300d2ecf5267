"""How far a reader has watched, and what each answer reveals.

The watch prompt and the "I've seen it" form inside each shield post to the progress
setting; a visitor's answers live in a signed cookie (forgeries are ignored), a fan's
in their account, where the settings page changes them.
"""

import datetime
import json
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from core.reader import PROGRESS_COOKIE, PROGRESS_SALT
from guide import services
from guide.models import Season, SeasonStatus, WatchProgress
from tests.factories import (
    CommentFactory,
    SeasonFactory,
    ShowFactory,
    UserFactory,
    WatchProgressFactory,
)
from tests.kit.html import Page, assert_open, assert_shielded, page_of
from tests.kit.worlds import (
    NOT_ANSWERED,
    SPOILER_BODY,
    SPOILER_FACT_ANSWER,
    SPOILER_FACT_QUESTION,
    SPOILER_TITLE,
    build_world,
    reader_client,
)

pytestmark = pytest.mark.django_db

COMMENT = "Her bite was on the left arm, we saw it."  # a season-1 spoiler
OTHER_TITLE = "Walrus captain sinks the ferry"  # another show's spoiler


@pytest.fixture
def world(db):
    """The kit's world, plus a reader, a spoiler comment on the spoiler theory, and another
    show with a spoiler of its own."""
    world = build_world()
    # Out, so a reader may say they have watched it (only released seasons can be).
    Season.objects.filter(pk=world.s2.pk).update(
        status=SeasonStatus.RELEASED, release_date=datetime.date(2024, 1, 28)
    )
    world.s2.refresh_from_db()
    world.reader = UserFactory(username="reader")
    CommentFactory(theory=world.spoiler_theory, body=COMMENT, spoiler_season=1)
    world.other_show = ShowFactory(title="Ferry Tales", slug="ferry-tales")
    services.post_theory(
        author=world.other_fan,
        season=SeasonFactory(show=world.other_show, number=1),
        title=OTHER_TITLE,
        body="Sinks.",
        spoiler_season=1,
    )
    return world


def reader(world, mode: str, level: int | None) -> Client:
    """A visitor (cookie) or a signed-in fan (account) who answered `level`, or not at all."""
    return reader_client(world.show, level, user=world.reader if mode == "fan" else None)


# Changing the setting ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["visitor", "fan"])
@pytest.mark.parametrize("level", [NOT_ANSWERED, 0], ids=["unanswered", "nothing"])
def test_ive_seen_it_form_inside_the_shield_reveals(world, mode, level):
    client = reader(world, mode, level)
    url = world.spoiler_theory.get_absolute_url()
    page = page_of(client.get(url))
    assert_shielded(page, SPOILER_TITLE)
    forms = page.spoiler_forms()
    assert forms, "a shielded item carries an 'I've seen it' form"
    form = forms[0]
    assert form.action == reverse("guide:set_progress")
    assert form.method == "post"
    assert form.inputs["seasons_watched"] == "1"
    assert form.inputs["show"] == str(world.show.pk)
    assert form.inputs["next"] == url
    data = {name: value for name, value in form.inputs.items() if value is not None}
    data.pop("csrfmiddlewaretoken", None)
    response = client.post(form.action, data)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    page = page_of(client.get(url))
    assert_open(page, SPOILER_TITLE)
    assert_open(page, SPOILER_BODY)
    assert_open(page, COMMENT)
    assert page.prompt_forms() == []
    if mode == "fan":
        progress = WatchProgress.objects.get(user=world.reader, show=world.show)
        assert progress.seasons_watched == 1


def test_fan_setting_lives_in_the_account_not_the_browser(world):
    first = reader(world, "fan", 2)
    assert "watched" not in first.cookies or not first.cookies["watched"].value
    second = Client()
    second.force_login(world.reader)
    assert_open(page_of(second.get(world.spoiler_theory.get_absolute_url())), SPOILER_TITLE)


def test_fan_changes_the_setting_on_the_settings_page(world):
    client = reader(world, "fan", 2)
    response = client.get(reverse("accounts:settings"))
    page = Page(response)
    progress_forms = [
        form
        for form in page.forms
        if form.action == reverse("guide:set_progress")
        and form.inputs.get("show") == str(world.show.pk)
    ]
    assert len(progress_forms) == 1
    assert "seasons_watched" in progress_forms[0].inputs
    assert '<option value="2" selected>' in response.content.decode()
    # Back to "nothing yet": everything tagged is shielded again.
    response = client.post(
        reverse("guide:set_progress"),
        {
            "show": world.show.pk,
            "seasons_watched": 0,
            "next": reverse("accounts:settings"),
        },
    )
    assert response["Location"] == reverse("accounts:settings")
    assert WatchProgress.objects.get(user=world.reader, show=world.show).seasons_watched == 0
    assert_shielded(page_of(client.get(world.spoiler_theory.get_absolute_url())), SPOILER_TITLE)


def test_visitor_answers_are_kept_per_show(world):
    client = reader(world, "visitor", 1)
    client.post(reverse("guide:set_progress"), {"show": world.other_show.pk, "seasons_watched": 0})
    page = page_of(client.get(reverse("guide:theory_list")))
    assert_open(page, SPOILER_TITLE)  # the first answer survived the second
    assert_shielded(page, OTHER_TITLE)
    assert page_of(client.get(world.other_show.get_absolute_url())).prompt_forms() == []


# Forged cookies -----------------------------------------------------------------------------


def _signed(value: str, salt: str = PROGRESS_SALT) -> str:
    response = HttpResponse()
    response.set_signed_cookie(PROGRESS_COOKIE, value, salt=salt)
    return response.cookies[PROGRESS_COOKIE].value


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda pk: json.dumps({str(pk): 9}), id="unsigned"),
        pytest.param(lambda pk: _signed(json.dumps({str(pk): 9}), salt="other"), id="wrong-salt"),
        pytest.param(
            lambda pk: _signed(json.dumps({str(pk): 0})).replace(f'"{pk}": 0', f'"{pk}": 9'),
            id="payload-changed",
        ),
        pytest.param(lambda pk: _signed(json.dumps({str(pk): 9}))[:-2] + "xx", id="bad-signature"),
        pytest.param(lambda pk: "garbage:::", id="garbage"),
    ],
)
def test_tampered_progress_cookie_is_ignored(world, forge):
    client = Client()
    client.cookies[PROGRESS_COOKIE] = forge(world.show.pk)
    for url in [world.spoiler_theory.get_absolute_url(), world.s2.get_absolute_url()]:
        page = page_of(client.get(url))
        assert_shielded(page, SPOILER_TITLE)
        assert len(page.prompt_forms()) == 1  # still unanswered


def test_genuine_signed_cookie_is_honoured(world):
    """The control for the forgeries above: a properly signed cookie does reveal."""
    client = Client()
    client.cookies[PROGRESS_COOKIE] = _signed(json.dumps({str(world.show.pk): 1}))
    assert_open(page_of(client.get(world.spoiler_theory.get_absolute_url())), SPOILER_TITLE)


# Answering on the season guide --------------------------------------------------------------


def _fact_article(body: str, question: str) -> str:
    start = body.rindex('<article class="fact"', 0, body.index(question))
    return body[start : body.index("</article>", start)]


def test_spoiler_fact_is_shielded_for_new_visitor(client, world):
    body = client.get(world.s2.get_absolute_url()).text
    article = _fact_article(body, SPOILER_FACT_QUESTION)
    assert '<details class="spoiler">' in article
    assert SPOILER_FACT_ANSWER in Page(article).shielded_text
    # A fact without spoiler tag is open.
    open_article = _fact_article(body, "Is season 2 confirmed?")
    assert "<details" not in open_article


def test_spoiler_fact_open_after_visitor_sets_progress(world):
    client = Client()
    url = world.s2.get_absolute_url()
    response = client.post(
        reverse("guide:set_progress"),
        {"show": world.show.pk, "seasons_watched": 1, "next": url},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    for _ in range(2):  # the signed cookie persists across requests
        body = client.get(url).text
        article = _fact_article(body, SPOILER_FACT_QUESTION)
        assert "<details" not in article
        assert SPOILER_FACT_ANSWER in article


def test_visitor_who_watched_nothing_still_shielded(world):
    client = Client()
    client.post(reverse("guide:set_progress"), {"show": world.show.pk, "seasons_watched": 0})
    body = client.get(world.s2.get_absolute_url()).text
    assert '<details class="spoiler">' in _fact_article(body, SPOILER_FACT_QUESTION)


def test_forged_progress_cookie_is_ignored(client, world):
    client.cookies["watched"] = f'{{"{world.show.pk}": 9}}'
    body = client.get(world.s2.get_absolute_url()).text
    assert '<details class="spoiler">' in _fact_article(body, SPOILER_FACT_QUESTION)


def test_spoiler_fact_open_for_fan_with_progress(world, other_fan):
    WatchProgressFactory(user=other_fan, show=world.show, seasons_watched=1)
    client = Client()
    client.force_login(other_fan)
    body = client.get(world.s2.get_absolute_url()).text
    article = _fact_article(body, SPOILER_FACT_QUESTION)
    assert "<details" not in article
    assert SPOILER_FACT_ANSWER in article
