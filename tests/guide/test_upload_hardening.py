"""Posters and portraits after the security review: named by their real format,
re-encoded without what the uploader's file carried besides the image, bounded in
pixels, and deleted from storage once no row points at them."""

import io
import struct
import zlib
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import ExifTags, Image

from guide.models import Character, Show
from guide.uploads import MAX_PIXELS
from tests.factories import CharacterFactory, ShowFactory
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url

pytestmark = pytest.mark.django_db

PAYLOAD = b"PK\x03\x04<html><script>alert('appended')</script></html>"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(image_format="PNG", size=(40, 60), mode="RGB", colour="teal", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, image_format, **options)
    return buffer.getvalue()


def jpeg_with_gps_turned_on_its_side() -> bytes:
    """A 40 × 60 JPEG whose EXIF says "rotate to show" (so it shows 60 × 40), with the
    camera's make and a GPS position, and a ZIP/HTML payload after its end."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (37.0, 33.0, 12.0),
    }
    return image_bytes("JPEG", exif=exif) + PAYLOAD


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims this many pixels, with almost no data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def stored(field_file) -> bytes:
    with default_storage.open(field_file.name, "rb") as handle:
        return handle.read()


def upload_poster(show: Show, content: bytes, name: str = "poster.png") -> Show:
    show.poster = SimpleUploadedFile(name, content)
    show.poster_alt = "Students on the school roof"
    show.full_clean()
    show.save()
    return show


def admin_post(client, obj, files: dict | None = None, **changes):
    """Save an object's admin change page as the editor would, with these changes."""
    url = admin_url(type(obj), "change", obj.pk)
    data = change_form_fields(client.get(url))
    data |= {name: [value] for name, value in changes.items()}
    return client.post(url, data | (files or {}))


# 1. The stored extension is the detected format's ------------------------------------------


def test_a_png_named_jpg_is_stored_as_png(media_root):
    show = upload_poster(ShowFactory(), image_bytes("PNG"), name="poster.jpg")
    assert show.poster.name.startswith("posters/")
    assert show.poster.name.endswith(".png")
    assert Image.open(io.BytesIO(stored(show.poster))).format == "PNG"


def test_a_jpeg_without_an_extension_is_stored_as_jpg_from_the_admin(media_root, editor_client):
    show = ShowFactory()
    upload = SimpleUploadedFile("poster", image_bytes("JPEG"), content_type="image/jpeg")
    response = admin_post(
        editor_client, show, files={"poster": upload}, poster_alt="Students on the school roof"
    )
    assert response.status_code == HTTPStatus.FOUND
    show.refresh_from_db()
    assert show.poster.name.endswith(".jpg")
    assert Image.open(io.BytesIO(stored(show.poster))).format == "JPEG"


def test_a_webp_named_png_is_stored_as_webp(media_root):
    character = CharacterFactory()
    character.portrait = SimpleUploadedFile("face.png", image_bytes("WEBP"))
    character.portrait_alt = "A student"
    character.full_clean()
    character.save()
    assert character.portrait.name.startswith("portraits/")
    assert character.portrait.name.endswith(".webp")


# 2. Re-encoded: no payload, no metadata, upright ---------------------------------------------


def test_a_jpeg_loses_its_payload_and_exif_and_is_turned_upright(media_root):
    show = upload_poster(ShowFactory(), jpeg_with_gps_turned_on_its_side(), name="p.jpg")
    content = stored(show.poster)
    assert b"PK\x03\x04" not in content
    assert b"<script>" not in content
    assert b"SecretCam" not in content
    image = Image.open(io.BytesIO(content))
    image.load()
    assert image.format == "JPEG"
    assert image.size == (60, 40)  # the orientation was applied to the pixels
    exif = image.getexif()
    assert ExifTags.Base.Orientation not in exif
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert (show.poster_width, show.poster_height) == (60, 40)


def test_a_png_uploaded_in_the_admin_loses_its_text_and_trailing_html(media_root, editor_client):
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at 12 Secret Street")
    content = image_bytes("PNG", pnginfo=text) + PAYLOAD
    show = ShowFactory()
    upload = SimpleUploadedFile("poster.png", content, content_type="image/png")
    response = admin_post(
        editor_client, show, files={"poster": upload}, poster_alt="Students on the school roof"
    )
    assert response.status_code == HTTPStatus.FOUND
    show.refresh_from_db()
    kept = stored(show.poster)
    assert b"Secret Street" not in kept
    assert b"<script>" not in kept
    assert kept.endswith(b"IEND\xaeB`\x82")  # nothing after the image's end
    image = Image.open(io.BytesIO(kept))
    image.load()
    assert image.size == (40, 60)
    assert "Comment" not in image.info


def test_transparency_survives_re_encoding(media_root):
    show = upload_poster(ShowFactory(), image_bytes("PNG", mode="RGBA", colour=(0, 128, 128, 0)))
    image = Image.open(io.BytesIO(stored(show.poster)))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0


# 3. Pixels are bounded, with a clear error next to the field ---------------------------------


def test_the_limit_is_what_a_poster_needs():
    assert MAX_PIXELS == 4096 * 4096
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(4097, 4096, id="just-over"),
        pytest.param(6000, 6000, id="past-pillows-own-refusal"),
        pytest.param(100_000, 100_000, id="decompression-bomb"),
    ],
)
def test_too_many_pixels_is_an_error_next_to_the_field(width, height, media_root, editor_client):
    show = ShowFactory()
    upload = SimpleUploadedFile("poster.png", png_claiming(width, height), content_type="image/png")
    response = admin_post(
        editor_client, show, files={"poster": upload}, poster_alt="Students on the school roof"
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["poster"]
    assert "too many pixels" in errors["poster"][0]
    assert "4096 × 4096" in errors["poster"][0]
    show.refresh_from_db()
    assert not show.poster
    assert not list(media_root.rglob("*.png"))


def test_a_poster_of_4096_by_4096_is_accepted(media_root):
    show = upload_poster(ShowFactory(), image_bytes("PNG", size=(4096, 4096), mode="L"))
    assert (show.poster_width, show.poster_height) == (4096, 4096)


# 4. Replaced, cleared and deleted files leave storage after the commit -----------------------


def poster_of(show: Show) -> str:
    upload_poster(show, image_bytes("PNG"))
    assert default_storage.exists(show.poster.name)
    return show.poster.name


def test_a_replaced_poster_is_deleted_once_the_save_commits(
    media_root, editor_client, django_capture_on_commit_callbacks
):
    show = ShowFactory()
    old = poster_of(show)
    upload = SimpleUploadedFile("new.png", image_bytes("PNG", size=(50, 70)))
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_post(editor_client, show, files={"poster": upload})
        assert response.status_code == HTTPStatus.FOUND
        assert default_storage.exists(old), "deleted before the transaction committed"
    for callback in callbacks:
        callback()
    show.refresh_from_db()
    assert show.poster.name != old
    assert not default_storage.exists(old)
    assert default_storage.exists(show.poster.name)


def test_a_cleared_portrait_is_deleted(
    media_root, editor_client, django_capture_on_commit_callbacks
):
    character = CharacterFactory()
    character.portrait = SimpleUploadedFile("face.png", image_bytes("PNG"))
    character.portrait_alt = "A student"
    character.save()
    old = character.portrait.name
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_post(editor_client, character, **{"portrait-clear": "on"})
    assert response.status_code == HTTPStatus.FOUND
    character.refresh_from_db()
    assert not character.portrait
    assert not default_storage.exists(old)


def test_a_rolled_back_replacement_deletes_nothing(media_root, django_capture_on_commit_callbacks):
    show = ShowFactory()
    old = poster_of(show)

    def replace_then_fail():
        with transaction.atomic():
            upload_poster(show, image_bytes("PNG", size=(50, 70)))
            raise RuntimeError("the rest of the save failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="rest of the save"),
    ):
        replace_then_fail()
    assert callbacks == []
    assert default_storage.exists(old)


def test_deleting_a_show_deletes_its_poster_and_its_characters_portraits(
    media_root, django_capture_on_commit_callbacks
):
    show = ShowFactory()
    poster = poster_of(show)
    character = CharacterFactory(show=show)
    character.portrait = SimpleUploadedFile("face.png", image_bytes("PNG"))
    character.save()
    portrait = character.portrait.name
    with django_capture_on_commit_callbacks(execute=True):
        Show.objects.filter(pk=show.pk).delete()
    assert not Character.objects.exists()
    assert not default_storage.exists(poster)
    assert not default_storage.exists(portrait)


def test_a_file_another_row_still_uses_is_kept(media_root, django_capture_on_commit_callbacks):
    first, second = ShowFactory(), ShowFactory()
    shared = poster_of(first)
    second.poster = shared
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        upload_poster(first, image_bytes("PNG", size=(50, 70)))
    assert default_storage.exists(shared), "the second show still shows it"
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert not default_storage.exists(shared)
