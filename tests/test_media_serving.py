"""Uploaded images are served with DEBUG off, safely: nothing outside MEDIA_ROOT, nothing
but images, and nothing that could run as a page."""

import io
import os
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import ShowFactory
from tests.kit.html import Page

pytestmark = pytest.mark.django_db


def png_bytes(size=(30, 45)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.DEBUG = False
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def show(media_root):
    show = ShowFactory()
    show.poster = SimpleUploadedFile("poster.png", png_bytes())
    show.poster_alt = "Students on the school roof"
    show.save()
    return show


def test_a_poster_is_served_with_debug_off(show, media_root, client):
    response = client.get(show.poster.url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == (media_root / show.poster.name).read_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")


def test_the_show_pages_og_image_answers(show, client):
    page = Page(client.get(show.get_absolute_url()).text)
    [meta] = page.find_all("meta", property="og:image")
    response = client.get(urlsplit(meta.attrs["content"]).path)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"


def test_a_file_unchanged_since_the_last_visit_is_not_sent_again(show, client):
    first = client.get(show.poster.url)
    again = client.get(show.poster.url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_an_upload_named_before_formats_were_detected_gets_its_real_type(media_root, client):
    (media_root / "posters").mkdir()
    (media_root / "posters" / "0123abcd.img").write_bytes(png_bytes())
    response = client.get("/media/posters/0123abcd.img")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.png",
        "/media/posters/../../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/posters/..%2f..%2fsecret.png",
        "/media/..%5csecret.png",
        "/media//tmp/secret.png",
        "/media/linked/secret.png",
        "/media/posters/missing.png",
        "/media/posters/",
        "/media/posters/page.html",
        "/media/posters/page.png.html",
        "/media/posters/script.img",
    ],
)
def test_nothing_else_is_served(path, show, media_root, client):
    (media_root.parent / "secret.png").write_bytes(png_bytes())
    os.symlink(media_root.parent, media_root / "linked")
    posters = media_root / "posters"
    for name in ["page.html", "page.png.html", "script.img"]:
        (posters / name).write_text("<script>alert(1)</script>")
    response = client.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_image_is_the_same_for_everyone_and_needs_no_database(
    show, fan_client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = fan_client.get(show.poster.url, headers={"accept-language": "ko"})
    assert response.status_code == HTTPStatus.OK
    assert "Vary" not in response
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response


def test_only_reading_is_allowed(show, client):
    assert client.post(show.poster.url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.head(show.poster.url).status_code == HTTPStatus.OK
