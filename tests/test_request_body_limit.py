"""A request body larger than any form on the site is refused before it is read."""

import io
import random
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from guide.models import Show
from tests.factories import ShowFactory
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url
from tests.kit.html import Page


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anyone reads from it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = readinto = read


def huge_post(client: Client, url: str, length: int):
    return client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


def test_the_limit_leaves_room_for_one_image_and_the_form():
    # DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields only, never uploaded files.
    assert settings.MAX_REQUEST_BODY_BYTES > (
        settings.MAX_IMAGE_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert settings.MAX_REQUEST_BODY_BYTES < 2 * settings.MAX_IMAGE_UPLOAD_BYTES


@pytest.mark.django_db
def test_an_oversized_upload_to_the_admin_gets_a_413_unread(editor_client):
    show = ShowFactory()
    url = admin_url(Show, "change", show.pk)
    response = huge_post(editor_client, url, 10 * 1024**3)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "too much to send" in response.text
    assert "3 MB" in response.text


@pytest.mark.django_db
def test_one_byte_over_the_limit_is_refused_anywhere(client):
    response = huge_post(client, reverse("accounts:login"), settings.MAX_REQUEST_BODY_BYTES + 1)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_the_largest_image_allowed_still_uploads(settings, tmp_path, editor_client):
    settings.MEDIA_ROOT = tmp_path
    show = ShowFactory()
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    # Noise does not compress: a greyscale PNG of 1600 × 1600 random pixels is ~2.5 MB.
    side = 1600
    noise = random.Random(0).randbytes(side * side)
    buffer = io.BytesIO()
    Image.frombytes("L", (side, side), noise).save(buffer, "PNG")
    content = buffer.getvalue()
    assert 0.75 * settings.MAX_IMAGE_UPLOAD_BYTES < len(content) <= settings.MAX_IMAGE_UPLOAD_BYTES
    data |= {"poster_alt": ["Students on the school roof"]}
    data["poster"] = SimpleUploadedFile("poster.png", content, content_type="image/png")
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    show.refresh_from_db()
    assert show.poster


@pytest.mark.django_db
def test_the_413_page_is_the_signed_in_readers_own_page(editor_client):
    """The refusal keeps the editor signed in on screen, and the footer's forms work."""
    show = ShowFactory()
    response = huge_post(editor_client, admin_url(Show, "change", show.pk), 10 * 1024**3)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    page = Page(response)
    assert "Log out" in page.text
    assert "Log in" not in page.text
    assert [option.value for option in page_forms(page, "theme")] == ["auto", "light", "dark"]
    for form in page.forms:
        if form.method.lower() == "post":
            assert form.inputs.get("csrfmiddlewaretoken"), form.action


def page_forms(page: Page, select: str):
    (form,) = [form for form in page.forms if select in form.options]
    return form.options[select]
