"""Posters and portraits: checked by their content, size-limited, stored under our names."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guide.uploads import RandomName, validate_image
from tests.factories import ShowFactory

pytestmark = pytest.mark.django_db


def png(width=8, height=6, image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, image_format)
    return buffer.getvalue()


def test_a_real_png_passes():
    validate_image(SimpleUploadedFile("poster.png", png()))


def test_a_script_named_like_an_image_is_refused():
    upload = SimpleUploadedFile("poster.png", b"<script>alert(1)</script>")
    with pytest.raises(ValidationError, match="not an image"):
        validate_image(upload)


def test_formats_outside_the_allow_list_are_refused():
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        validate_image(SimpleUploadedFile("poster.png", png(image_format="GIF")))


def test_oversized_files_are_refused(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="at most"):
        validate_image(SimpleUploadedFile("poster.png", png(64, 64)))


def test_decompression_bombs_are_refused(monkeypatch):
    monkeypatch.setattr("guide.uploads.MAX_PIXELS", 10)
    with pytest.raises(ValidationError, match="too many pixels"):
        validate_image(SimpleUploadedFile("poster.png", png()))


def test_uploads_are_stored_under_fresh_names_never_the_uploaders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    show = ShowFactory()
    show.poster = SimpleUploadedFile("../../etc/passwd.png", png())
    show.poster_alt = "A poster"
    show.full_clean()
    show.save()
    assert show.poster.name.startswith("posters/")
    assert "passwd" not in show.poster.name
    assert ".." not in show.poster.name
    assert (show.poster_width, show.poster_height) == (8, 6)


def test_names_keep_only_known_extensions():
    name = RandomName("portraits")(None, "evil.php")
    assert name.startswith("portraits/")
    assert name.endswith(".img")
