"""Fans' pictures on their theories: up to four, described, checked like an editor's
upload, limited per fan, shielded with the theory's text, hidden one by one by moderators."""

import io
import os
import re
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from guide.models import (
    ModerationAction,
    ModerationTarget,
    SeasonStatus,
    TheoryImage,
    WatchProgress,
)
from tests.factories import SeasonFactory, ShowFactory, TheoryFactory
from tests.kit.admin_forms import change_form_fields
from tests.kit.shield import open_part

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def theory(fan):
    show = ShowFactory(is_published=True)
    SeasonFactory(show=show, number=1, status=SeasonStatus.RELEASED, release_date="2022-01-28")
    season = SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    return TheoryFactory(author=fan, season=season, title="On-jo keeps the radio")


def picture(name="panel.png", size=(300, 200), image_format="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def shown(theory, alt: str = "A panel of the webtoon") -> TheoryImage:
    """A picture stored as an upload leaves it."""
    return TheoryImage.objects.create(theory=theory, image=picture(), alt=alt)


def add(client, theory, **data):
    url = reverse("guide:theory_images", args=[theory.pk])
    return client.post(url, {"image": picture(), "alt": "The radio on the roof", **data})


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def test_the_author_adds_a_described_picture_and_readers_see_it(
    fan_client, client, theory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(fan_client, theory)
    assert response.status_code == HTTPStatus.FOUND
    [image] = theory.images.all()
    assert image.alt == "The radio on the roof"
    assert (image.image_width, image.image_height) == (300, 200)
    assert image.image_renditions["webp"] == [160, 300]  # drawn once it committed
    page = client.get(theory.get_absolute_url()).content.decode()
    img = re.search(r"<img [^>]*alt=\"The radio on the roof\"[^>]*>", page).group()
    assert image.image.url in img
    assert 'loading="lazy"' in img


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (lambda: {"alt": ""}, "alt", "This field is required"),
        (lambda: {"image": ""}, "image", "This field is required"),
        (
            # Made for each run: an upload is read once, and a run in the same process
            # (mutation testing's) would get the one an earlier run had read.
            lambda: {"image": SimpleUploadedFile("panel.png", b"<svg onload=alert(1)>")},
            "image",
            "Upload a valid image",
        ),
    ],
    ids=["no alt", "no image", "not an image"],
)
def test_a_picture_that_fails_says_why_next_to_the_field(fan_client, theory, data, field, words):
    data = data()
    response = add(fan_client, theory, **data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert any(words in error for error in field_errors(response, field))
    assert not TheoryImage.objects.exists()
    # What the fan typed stays in the form.
    if data.get("alt") is None:
        assert "The radio on the roof" in response.content.decode()


def test_a_fans_picture_has_a_smaller_size_limit_than_an_editors(fan_client, theory, settings):
    settings.MAX_THEORY_IMAGE_BYTES = 1024 * 1024
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert (
        settings.MAX_THEORY_IMAGE_BYTES < len(buffer.getvalue()) < settings.MAX_IMAGE_UPLOAD_BYTES
    )
    response = add(fan_client, theory, image=SimpleUploadedFile("noise.png", buffer.getvalue()))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "image") == ["Pictures may be at most 1 MB."]
    assert not TheoryImage.objects.exists()


def test_a_theory_shows_at_most_four_pictures(fan_client, theory):
    for n in range(4):
        assert add(fan_client, theory, alt=f"Panel {n}").status_code == HTTPStatus.FOUND
    response = add(fan_client, theory, alt="One too many")
    assert theory.images.count() == 4
    page = fan_client.get(reverse("guide:theory_images", args=[theory.pk])).content.decode()
    assert "as many as a theory may" in page
    assert 'enctype="multipart/form-data"' not in page
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_only_the_author_adds_or_removes_pictures(other_fan_client, client, theory):
    image = shown(theory)
    url = reverse("guide:theory_images", args=[theory.pk])
    remove = reverse("guide:theory_image_delete", args=[theory.pk, image.pk])
    assert other_fan_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert add(other_fan_client, theory).status_code == HTTPStatus.NOT_FOUND
    assert other_fan_client.post(remove).status_code == HTTPStatus.NOT_FOUND
    assert client.post(remove).status_code == HTTPStatus.FOUND  # to log in
    assert TheoryImage.objects.filter(pk=image.pk).exists()


def test_the_author_removes_a_picture_and_its_files_go(
    fan_client, theory, django_capture_on_commit_callbacks, media
):
    with django_capture_on_commit_callbacks(execute=True):
        add(fan_client, theory)
    image = theory.images.get()
    assert default_storage.exists(image.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = fan_client.post(reverse("guide:theory_image_delete", args=[theory.pk, image.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not theory.images.exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_frozen_theory_takes_no_new_pictures(fan_client, theory):
    theory.season.status = SeasonStatus.RELEASED
    theory.season.release_date = "2025-01-01"
    theory.season.save()
    response = add(fan_client, theory)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == theory.get_absolute_url()
    assert not TheoryImage.objects.exists()


def test_pictures_are_rate_limited_per_fan_and_the_description_is_kept(
    fan_client, theory, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "image": (1, 3600)}
    assert add(fan_client, theory).status_code == HTTPStatus.FOUND
    response = add(fan_client, theory, alt="A second panel, kept")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "A second panel, kept" in response.content.decode()
    assert theory.images.count() == 1


def test_a_picture_of_a_spoiler_theory_sits_behind_its_reveal(client, fan, theory):
    theory.spoiler_season = 1
    theory.spoiler_free_title = "A guess about the radio"
    theory.save()
    image = shown(theory, alt="The rooftop after the finale")
    client.force_login(fan)
    page = client.get(theory.get_absolute_url()).content.decode()
    assert image.image.url in page  # inside the closed reveal: a lazy image loads on opening
    assert image.image.url not in open_part(page)
    assert "rooftop after the finale" not in open_part(page)
    WatchProgress.objects.create(user=fan, show=theory.season.show, seasons_watched=1)
    page = client.get(theory.get_absolute_url()).content.decode()
    assert image.image.url in open_part(page)


def test_a_moderator_hides_one_picture_and_leaves_the_theory(
    moderator_client, client, theory, moderator
):
    hidden, kept = shown(theory), shown(theory)
    url = reverse("admin:guide_theoryimage_change", args=[hidden.pk])
    data = change_form_fields(moderator_client.get(url))
    data |= {"is_hidden": "on", "moderation_reason": "Shows a leaked script page"}
    assert moderator_client.post(url, data).status_code == HTTPStatus.FOUND
    hidden.refresh_from_db()
    theory.refresh_from_db()
    assert hidden.is_hidden
    assert not theory.is_hidden
    [logged] = ModerationAction.objects.all()
    assert logged.target_kind == ModerationTarget.IMAGE
    assert logged.theory == theory
    assert logged.target_name == f"#{hidden.pk} on theory #{theory.pk}"
    page = client.get(theory.get_absolute_url()).content.decode()
    assert hidden.image.url not in page
    assert "A picture hidden by a moderator." in page
    assert kept.image.url in page


def test_hiding_a_picture_needs_a_reason(moderator_client, theory):
    image = shown(theory)
    url = reverse("admin:guide_theoryimage_change", args=[image.pk])
    data = change_form_fields(moderator_client.get(url)) | {"is_hidden": "on"}
    response = moderator_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Say why" in response.content.decode()
    image.refresh_from_db()
    assert not image.is_hidden


def test_a_theory_page_reads_its_pictures_in_one_query(client, theory):
    url = theory.get_absolute_url()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    none = queries()
    for _ in range(4):
        shown(theory)
    assert queries() == none
