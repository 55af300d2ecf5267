"""Bad input on the editors' desk: a clear message next to the field, nothing lost."""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from guide.models import Character, Show
from tests import factories
from tests.admin_forms import change_form_fields
from tests.admin_world import admin_url, image_upload

pytestmark = pytest.mark.django_db

CHOOSE_AGAIN = "choose it again"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _media_links(body: str) -> set[str]:
    """Every uploaded file the page points at (img src, "Currently:" links)."""
    prefix = "/" + settings.MEDIA_URL.lstrip("/")
    return set(re.findall(rf'(?:src|href)="{re.escape(prefix)}([^"]+)"', body))


def _field_row(body: str, name: str) -> str:
    """The admin's row for one field: its errors, input and help."""
    start = body.index(f'class="form-row field-{name}')
    return body[start : body.index('<div class="form-row', start + 1)]


@pytest.fixture
def show_with_poster(media_root, editor_client):
    show = factories.ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {"poster": image_upload(), "poster_alt": ["Students on a roof"]}
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    show.refresh_from_db()
    assert show.poster
    return show


# Images survive a form that has to be corrected --------------------------------------------


def test_a_failed_save_keeps_showing_the_stored_poster_and_asks_for_the_new_one_again(
    show_with_poster, media_root, editor_client
):
    show = show_with_poster
    stored = show.poster.name
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {"title": [""], "poster": image_upload("JPEG", size=(40, 10))}
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "title" in response.context["adminform"].form.errors

    body = response.text
    assert _media_links(body) == {stored}, "every image on the page must be the stored one"
    assert (media_root / stored).is_file()
    assert 'width="24" height="36"' in _field_row(body, "poster_preview")
    assert CHOOSE_AGAIN in _field_row(body, "poster")
    show.refresh_from_db()
    assert (show.poster.name, show.poster_width, show.poster_height) == (stored, 24, 36)


def test_an_error_in_an_inline_also_keeps_the_stored_poster(show_with_poster, editor_client):
    show = show_with_poster
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {
        "poster": image_upload(),
        "seasons-TOTAL_FORMS": ["1"],
        "seasons-0-number": ["0"],
        "seasons-0-status": ["announced"],
    }
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    [seasons, _characters] = response.context["inline_admin_formsets"]
    assert seasons.formset.errors[0]["number"]
    assert _media_links(response.text) == {show.poster.name}
    assert CHOOSE_AGAIN in _field_row(response.text, "poster")


def test_a_new_show_whose_poster_must_be_chosen_again_shows_no_broken_image(
    media_root, editor_client
):
    url = admin_url(Show, "add")
    data = change_form_fields(editor_client.get(url))
    data |= {
        "title": ["All Of Us Are Dead"],
        "slug": ["not a slug!"],
        "poster": image_upload(),
        "poster_alt": ["Students on a roof"],
    }
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "slug" in response.context["adminform"].form.errors
    assert _media_links(response.text) == set()
    assert "No image uploaded." in _field_row(response.text, "poster_preview")
    assert CHOOSE_AGAIN in _field_row(response.text, "poster")
    assert not Show.objects.exists()
    assert not list(media_root.rglob("*.png"))


def test_no_new_image_means_nothing_to_choose_again(show_with_poster, editor_client):
    url = admin_url(Show, "change", show_with_poster.pk)
    data = change_form_fields(editor_client.get(url)) | {"title": [""]}
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert _media_links(response.text) == {show_with_poster.poster.name}
    assert CHOOSE_AGAIN not in response.text


def test_an_unreadable_upload_says_so_and_keeps_the_stored_portrait(media_root, editor_client):
    character = factories.CharacterFactory()
    url = admin_url(Character, "change", character.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {"portrait": image_upload(), "portrait_alt": ["Nam-ra at the window"]}
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    character.refresh_from_db()
    stored = character.portrait.name

    data = change_form_fields(editor_client.get(url))
    data["portrait"] = SimpleUploadedFile("upload.png", b"<svg>", content_type="image/png")
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    row = _field_row(response.text, "portrait")
    assert "Upload a valid image" in row
    assert CHOOSE_AGAIN not in row  # one message is enough: the file itself was wrong
    assert _media_links(response.text) == {stored}
