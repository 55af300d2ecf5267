"""The admin: every page loads for those allowed, and is closed to everyone else."""

import io
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from accounts.models import User
from guide.models import (
    Character,
    CharacterStatus,
    Comment,
    Episode,
    Fact,
    ModerationAction,
    Person,
    Report,
    Revision,
    Season,
    Show,
    Theory,
    Vote,
    WatchProgress,
)
from tests import factories
from tests.kit.admin_world import one_of_each as one_of_each_row
from tests.kit.counts import assert_queries_do_not_grow, count_queries

REGISTERED = {
    model: model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in {"guide", "accounts"}
}
CONTENT_MODELS = [Show, Season, Episode, Person, Character, CharacterStatus, Fact]
FAN_CONTENT_MODELS = [Theory, Comment, Report]
VIEW_ONLY_MODELS = [ModerationAction, Revision, Vote]


def model_id(model) -> str:
    return model._meta.label_lower


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_one_of_each() -> dict:
    """A row of every model, so that list and change pages render real data."""
    return one_of_each_row()


@pytest.fixture
def one_of_each(db):
    return make_one_of_each()


def test_every_model_in_guide_and_accounts_is_registered():
    from django.apps import apps

    models = [
        *apps.get_app_config("guide").get_models(),
        *apps.get_app_config("accounts").get_models(),
    ]
    assert set(models) == set(REGISTERED)


def test_changelists_with_foreign_keys_select_related():
    for model, model_admin in REGISTERED.items():
        columns = [
            name
            for name in model_admin.list_display
            if name in {f.name for f in model._meta.fields if f.many_to_one}
        ]
        if columns:
            assert model_admin.list_select_related, model


# Superuser: every page --------------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_superuser_sees_every_changelist_add_and_change_page(
    model, one_of_each, superuser, superuser_client
):
    response = superuser_client.get(admin_url(model, "changelist"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count >= 1

    request = RequestFactory().get("/")
    request.user = superuser
    response = superuser_client.get(admin_url(model, "add"))
    if REGISTERED[model].has_add_permission(request):
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN

    response = superuser_client.get(admin_url(model, "change", one_of_each[model].pk))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", VIEW_ONLY_MODELS, ids=model_id)
def test_view_only_models_cannot_be_added_changed_or_deleted_even_by_a_superuser(
    model, one_of_each, superuser, superuser_client
):
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = REGISTERED[model]
    row = one_of_each[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)

    response = superuser_client.get(admin_url(model, "change", row.pk))
    assert response.status_code == HTTPStatus.OK
    assert response.context["has_change_permission"] is False
    response = superuser_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist_queries_do_not_grow_with_the_rows(model, superuser_client):
    make_one_of_each()
    url = admin_url(model, "changelist")

    def grow():
        make_one_of_each()
        make_one_of_each()

    assert_queries_do_not_grow(
        lambda: count_queries(superuser_client, url), grow, f"{model_id(model)} changelist"
    )
    assert superuser_client.get(url).context["cl"].result_count >= 3


# Editors: content --------------------------------------------------------------------


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=model_id)
def test_editor_can_list_add_and_change_content(model, one_of_each, editor_client):
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 1
    assert str(one_of_each[model]) in response.text

    assert editor_client.get(admin_url(model, "add")).status_code == HTTPStatus.OK

    response = editor_client.get(admin_url(model, "change", one_of_each[model].pk))
    assert response.status_code == HTTPStatus.OK
    assert response.context["has_change_permission"] is True


@pytest.mark.parametrize("model", [*FAN_CONTENT_MODELS, User], ids=model_id)
def test_editor_cannot_see_fan_content_or_users(model, one_of_each, editor_client):
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_editor_can_search_people_for_a_characters_actor(one_of_each, editor_client):
    person = one_of_each[Person]
    person.aliases = "Park Ji-hoo\nPark Jihoo"
    person.save()
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "guide", "model_name": "character", "field_name": "actor", "term": "jihoo"},
    )
    assert response.status_code == HTTPStatus.OK
    assert [result["id"] for result in response.json()["results"]] == [str(person.pk)]


# Moderators: fan content only -------------------------------------------------------------


@pytest.mark.parametrize("model", [Show, Season, Character], ids=model_id)
def test_moderator_cannot_add_or_change_shows_seasons_or_characters(
    model, one_of_each, moderator_client
):
    response = moderator_client.get(admin_url(model, "add"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = moderator_client.get(admin_url(model, "change", one_of_each[model].pk))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_moderator_cannot_see_users(one_of_each, moderator_client):
    response = moderator_client.get(admin_url(User, "changelist"))
    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("model", [*FAN_CONTENT_MODELS, ModerationAction], ids=model_id)
def test_moderator_sees_fan_content_and_the_log(model, one_of_each, moderator_client):
    response = moderator_client.get(admin_url(model, "changelist"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 1
    response = moderator_client.get(admin_url(model, "change", one_of_each[model].pk))
    assert response.status_code == HTTPStatus.OK


# Fans and visitors -----------------------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_fan_is_sent_to_the_admin_login(model, one_of_each, fan_client):
    login = reverse("admin:login")
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", one_of_each[model].pk),
    ]:
        response = fan_client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response.url.startswith(login), url


# Images need their description ------------------------------------------------------------


def png(name: str = "poster.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def show_form(**fields) -> dict:
    data = {"title_en": "All Of Us Are Dead", "slug": "all-of-us-are-dead", "is_published": "on"}
    for prefix in ["seasons", "characters"]:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | fields


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_poster_without_a_description_is_refused_next_to_the_field(media_root, editor_client):
    response = editor_client.post(admin_url(Show, "add"), show_form(poster=png(), poster_alt="  "))
    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert set(form.errors) == {"poster_alt", "poster"}
    assert [error.code for error in form.errors.as_data()["poster"]] == ["choose_again"]
    assert not Show.objects.exists()
    assert not list(media_root.rglob("*.png"))


def test_a_described_poster_is_saved_and_previewed_without_inline_style(media_root, editor_client):
    response = editor_client.post(
        admin_url(Show, "add"),
        show_form(poster=png(), poster_alt="Students on a school rooftop"),
    )
    assert response.status_code == HTTPStatus.FOUND
    show = Show.objects.get()
    assert (show.poster_width, show.poster_height) == (20, 30)

    response = editor_client.get(admin_url(Show, "change", show.pk))
    assert response.status_code == HTTPStatus.OK
    preview = (
        f'<img src="{show.poster.url}" alt="Students on a school rooftop" '
        'width="20" height="30" loading="lazy">'
    )
    assert preview in response.text


def test_a_character_status_must_be_for_a_season_of_the_characters_show(editor_client):
    character = factories.CharacterFactory()
    other_season = factories.SeasonFactory()  # of another show
    data = {
        "show": character.show.pk,
        "name": character.name,
        "slug": character.slug,
        "role": character.role,
        "billing_order": character.billing_order,
        "statuses-TOTAL_FORMS": "1",
        "statuses-INITIAL_FORMS": "0",
        "statuses-MIN_NUM_FORMS": "0",
        "statuses-MAX_NUM_FORMS": "1000",
        "statuses-0-season": other_season.pk,
        "statuses-0-status": "dead",
    }
    response = editor_client.post(admin_url(Character, "change", character.pk), data)
    assert response.status_code == HTTPStatus.OK
    assert not CharacterStatus.objects.exists()

    response = editor_client.post(admin_url(Character, "add"), data | {"slug": "new-one"})
    assert response.status_code == HTTPStatus.OK
    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.errors[0]["season"]
    assert not Character.objects.filter(slug="new-one").exists()


def test_watch_progress_and_fan_content_cannot_be_added_in_the_admin(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    for model in [*FAN_CONTENT_MODELS, WatchProgress, *VIEW_ONLY_MODELS]:
        assert not REGISTERED[model].has_add_permission(request), model


def test_superuser_adds_a_fan_with_a_display_name_and_finds_them_by_it(superuser_client):
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "username": "jihoo",
            "email": "jihoo@example.com",
            "display_name": "Ji-hoo",
            "usable_password": "true",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    fan = User.objects.get(username="jihoo")
    assert fan.display_name == "Ji-hoo"
    assert fan.check_password(factories.PASSWORD)

    response = superuser_client.get(admin_url(User, "change", fan.pk))
    assert 'name="bio"' in response.text
    response = superuser_client.get(admin_url(User, "changelist"), {"q": "ji-hoo"})
    assert list(response.context["cl"].result_list) == [fan]
