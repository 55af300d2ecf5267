"""Fans' theories: who may post, edit and delete them, the form, hidden and frozen
theories, the posting rate limit, and script injection through them."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import services
from guide.models import Comment, Report, Theory, Vote
from tests.factories import CharacterFactory, ShowFactory, TheoryFactory
from tests.kit.html import SCRIPT_PAYLOADS, Page, assert_field_error, assert_no_injection

pytestmark = pytest.mark.django_db


def theory_data(season, **overrides):
    data = {"season": season.pk, "title": "A fine theory", "body": "It will happen."}
    data.update(overrides)
    return data


# Anonymous visitors are sent to log in ----------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "needs"),
    [
        ("guide:theory_create", None),
        ("guide:theory_edit", "theory"),
        ("guide:theory_delete", "theory"),
        ("guide:vote", "theory"),
        ("guide:comment_create", "theory"),
        ("guide:report_theory", "theory"),
        ("guide:comment_edit", "comment"),
        ("guide:comment_delete", "comment"),
        ("guide:report_comment", "comment"),
    ],
)
def test_anonymous_is_sent_to_login(client, theory, comment, method, name, needs):
    args = [] if needs is None else [{"theory": theory, "comment": comment}[needs].pk]
    url = reverse(name, args=args)
    response = getattr(client, method)(url, {"value": 1, "title": "x", "body": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert Theory.objects.count() == 1
    assert Comment.objects.count() == 1
    assert Vote.objects.count() == 0
    assert Report.objects.count() == 0


# Fans and their own theories --------------------------------------------------------------


def test_fan_creates_theory(fan_client, fan, season, released, character):
    # `released` is season 1, the season the theory gives away.
    form = fan_client.get(reverse("guide:theory_create") + f"?season={season.pk}")
    assert form.status_code == HTTPStatus.OK
    response = fan_client.post(
        reverse("guide:theory_create"),
        theory_data(
            season,
            characters=[character.pk],
            spoiler_season="1",
            spoiler_free_title="What the finale means for her",
        ),
    )
    theory = Theory.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == theory.get_absolute_url()
    assert theory.author == fan
    assert theory.spoiler_season == 1
    assert list(theory.characters.all()) == [character]
    assert theory.edited_at is None
    page = fan_client.get(theory.get_absolute_url())
    assert "Your theory is posted." in page.text
    assert "last edited" not in page.text


def test_fan_edits_own_theory_and_page_says_last_edited(fan_client, theory, season):
    assert fan_client.get(reverse("guide:theory_edit", args=[theory.pk])).status_code == 200
    response = fan_client.post(
        reverse("guide:theory_edit", args=[theory.pk]),
        theory_data(season, title="On-jo returns, changed"),
    )
    theory.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert theory.title == "On-jo returns, changed"
    assert theory.slug == "on-jo-returns-changed"
    assert theory.edited_at is not None
    page = fan_client.get(theory.get_absolute_url())
    assert "last edited" in page.text


def test_fan_deletes_own_theory(fan_client, theory):
    confirm = fan_client.get(reverse("guide:theory_delete", args=[theory.pk]))
    assert confirm.status_code == HTTPStatus.OK
    assert Theory.objects.filter(pk=theory.pk).exists()
    response = fan_client.post(reverse("guide:theory_delete", args=[theory.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Theory.objects.filter(pk=theory.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("guide:theory_edit", "theory"),
        ("guide:theory_delete", "theory"),
        ("guide:comment_edit", "comment"),
        ("guide:comment_delete", "comment"),
    ],
)
def test_someone_elses_theory_or_comment_is_404(
    other_fan_client, theory, comment, season, method, name, target
):
    item = {"theory": theory, "comment": comment}[target]
    response = getattr(other_fan_client, method)(
        reverse(name, args=[item.pk]), theory_data(season, title="Taken over", body="Mine now")
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    theory.refresh_from_db()
    comment.refresh_from_db()
    assert theory.title == "On-jo returns"
    assert comment.body == "My own comment."


# Hidden theories --------------------------------------------------------------------------


@pytest.fixture
def hidden(theory, moderator):
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="Spam")
    return theory


def _listed(client, theory) -> bool:
    body = client.get(reverse("guide:theory_list")).text
    return f'id="theory-{theory.pk}"' in body


def test_hidden_theory_invisible_to_fans_and_visitors(client, other_fan_client, hidden):
    for who in (client, other_fan_client):
        assert who.get(hidden.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        assert not _listed(who, hidden)
        assert hidden.title not in who.get(reverse("guide:home")).text
    vote = other_fan_client.post(reverse("guide:vote", args=[hidden.pk]), {"value": 1})
    assert vote.status_code == HTTPStatus.NOT_FOUND
    assert not Vote.objects.exists()


def test_hidden_theory_visible_to_author_and_moderators(
    fan_client, moderator_client, superuser_client, hidden
):
    for who in (fan_client, moderator_client, superuser_client):
        response = who.get(hidden.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert "Hidden by a moderator" in response.text
        assert _listed(who, hidden)


# The form: errors next to fields, nothing typed lost --------------------------------------


def test_empty_title_keeps_body(fan_client, season):
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, title="", body="My long reasoning")
    )
    assert_field_error(response, "title", "This field is required.")
    assert Page(response).field("body").text.strip() == "My long reasoning"
    assert not Theory.objects.exists()


def test_title_too_long(fan_client, season):
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, title="x" * 141, body="Kept body")
    )
    assert_field_error(response, "title", "at most 140 characters")
    assert "Kept body" in Page(response).field("body").text
    assert not Theory.objects.exists()


def test_character_of_another_show_rejected(fan_client, season):
    stranger = CharacterFactory(show=ShowFactory(title="Other Show"), name="Stranger")
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, characters=[stranger.pk])
    )
    assert_field_error(response, "characters", "Pick characters from All Of Us Are Dead only.")
    assert not Theory.objects.exists()


def test_released_season_rejected_for_new_theory(fan_client, released):
    response = fan_client.post(reverse("guide:theory_create"), theory_data(released))
    assert_field_error(response, "season", "Select a valid choice")
    assert not Theory.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m"])
@pytest.mark.parametrize("field", ["title", "body"])
def test_control_characters_rejected_in_theory(fan_client, season, field, bad):
    data = theory_data(season, **{field: f"Hello {bad} there"})
    response = fan_client.post(reverse("guide:theory_create"), data)
    assert_field_error(response, field)
    assert not Theory.objects.exists()


# Frozen theories --------------------------------------------------------------------------


@pytest.fixture
def frozen(fan, released):
    return TheoryFactory(author=fan, season=released, title="Frozen claim")


def test_frozen_theory_cannot_be_edited(fan_client, frozen, released):
    response = fan_client.get(reverse("guide:theory_edit", args=[frozen.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == frozen.get_absolute_url()
    page = fan_client.get(response["Location"])
    assert "its text is now frozen" in page.text
    response = fan_client.post(
        reverse("guide:theory_edit", args=[frozen.pk]), theory_data(released, title="Rewritten")
    )
    assert response.status_code == HTTPStatus.FOUND
    frozen.refresh_from_db()
    assert frozen.title == "Frozen claim"
    assert frozen.edited_at is None


def test_frozen_theory_stays_on_the_record(fan_client, frozen):
    # Deleting a prediction that missed would polish its author's record.
    response = fan_client.post(reverse("guide:theory_delete", args=[frozen.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == frozen.get_absolute_url()
    assert Theory.objects.filter(pk=frozen.pk).exists()
    page = fan_client.get(frozen.get_absolute_url()).text
    assert reverse("guide:theory_delete", args=[frozen.pk]) not in page


def test_edit_and_delete_services_refuse_frozen(frozen):
    with pytest.raises(services.FrozenError):
        services.edit_theory(theory=frozen, title="x", body="y")
    with pytest.raises(services.FrozenError):
        services.delete_theory(theory=frozen)


# Rate limit -------------------------------------------------------------------------------


def test_theory_rate_limit(fan_client, season, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (2, 3600)}
    url = reverse("guide:theory_create")
    for n in range(2):
        response = fan_client.post(url, theory_data(season, title=f"Theory {n}"))
        assert response.status_code == HTTPStatus.FOUND
    response = fan_client.post(
        url, theory_data(season, title="The third one", body="My careful & long reasoning")
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 3600
    body = response.text
    assert "The third one" in body
    assert "My careful &amp; long reasoning" in body
    assert Theory.objects.count() == 2


def test_rate_limit_is_per_fan(fan_client, other_fan_client, season, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (1, 3600)}
    url = reverse("guide:theory_create")
    assert fan_client.post(url, theory_data(season, title="A")).status_code == 302
    assert other_fan_client.post(url, theory_data(season, title="B")).status_code == 302


# Script injection -------------------------------------------------------------------------


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS)
def test_injection_in_theory_title_and_body(fan_client, client, fan, season, payload):
    response = fan_client.post(
        reverse("guide:theory_create"),
        theory_data(season, title=f"T {payload}"[:140], body=f"B {payload}"),
    )
    assert response.status_code == HTTPStatus.FOUND, response.text[:2000]
    theory = Theory.objects.get()
    for viewer in (fan_client, client):
        for url in (
            theory.get_absolute_url(),
            reverse("guide:theory_list"),
            reverse("guide:home"),
            fan.get_absolute_url(),
            reverse("guide:search") + "?q=T",
        ):
            assert_no_injection(viewer.get(url))
    # The text itself survives, escaped.
    assert "alert" in client.get(theory.get_absolute_url()).text


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS)
def test_injection_in_form_errors(fan_client, season, payload):
    # Re-rendered forms must escape what was typed, too.
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, title="", body=payload)
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_no_injection(response)


def test_markdown_link_keeps_safe_links(fan_client, season):
    fan_client.post(
        reverse("guide:theory_create"),
        theory_data(season, body="[ok](https://example.com/) and [x](javascript:alert(1))"),
    )
    hrefs = Page(fan_client.get(Theory.objects.get().get_absolute_url())).hrefs
    assert "https://example.com/" in hrefs
    assert not any(href.lower().startswith("javascript") for href in hrefs if href)
