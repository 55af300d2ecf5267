"""Responsive renditions of uploaded pictures (guide.renditions): drawn once after the
upload commits, recorded on the row, offered by `{% picture %}`, deleted with the file."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guide import renditions
from guide.models import Season, Show, WatchProgress
from tests.factories import EpisodeFactory, SeasonFactory, ShowFactory, UserFactory
from tests.kit.shield import open_part

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(width: int, height: int, *, colour: str = "teal") -> SimpleUploadedFile:
    """A JPEG carrying EXIF (a camera and a place), as phones send them."""
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"  # Make
    exif[0x8825] = {2: (37.0, 33.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def with_poster(show: Show, upload, django_capture_on_commit_callbacks) -> Show:
    show.poster = upload
    show.poster_alt = "A school at dusk"
    with django_capture_on_commit_callbacks(execute=True):
        show.save()
    show.refresh_from_db()
    return show


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (100, [100]),
        (500, [160, 320, 480, 500]),
        (1280, [160, 320, 480, 640, 960, 1280]),
        (4000, [160, 320, 480, 640, 960, 1280]),
    ],
)
def test_an_image_is_drawn_at_each_width_up_to_its_own(width, widths):
    assert renditions.widths_for(width) == widths


def test_renditions_are_named_after_the_upload():
    assert (
        renditions.rendition_name("posters/abc.jpg", 320, "webp")
        == "renditions/posters/abc-320w.webp"
    )


def test_an_upload_gets_its_renditions_once_it_commits(django_capture_on_commit_callbacks):
    show = with_poster(ShowFactory(), jpeg(1000, 1500), django_capture_on_commit_callbacks)
    widths = [160, 320, 480, 640, 960, 1000]
    assert show.poster_renditions == dict.fromkeys(renditions.writable_formats(), widths)
    assert "avif" in show.poster_renditions  # the installed Pillow writes AVIF
    for extension, pillow_format in [("webp", "WEBP"), ("avif", "AVIF")]:
        for width in widths:
            name = renditions.rendition_name(show.poster.name, width, extension)
            with default_storage.open(name) as handle, Image.open(handle) as drawn:
                assert drawn.format == pillow_format
                assert drawn.size == (width, round(1500 * width / 1000))
                assert not drawn.getexif()  # no camera, no place


def test_a_replaced_image_gets_new_renditions_and_the_old_ones_go(
    django_capture_on_commit_callbacks, media
):
    show = with_poster(ShowFactory(), jpeg(400, 600), django_capture_on_commit_callbacks)
    old = show.poster.name
    show = with_poster(show, jpeg(200, 300, colour="navy"), django_capture_on_commit_callbacks)
    assert show.poster_renditions["webp"] == [160, 200]
    assert not default_storage.exists(old)
    assert not default_storage.exists(renditions.rendition_name(old, 400, "webp"))
    assert not default_storage.exists(renditions.rendition_name(old, 160, "avif"))
    assert default_storage.exists(renditions.rendition_name(show.poster.name, 200, "avif"))


def test_a_cleared_or_deleted_image_takes_its_renditions_along(
    django_capture_on_commit_callbacks, media
):
    show = with_poster(ShowFactory(), jpeg(300, 450), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        show.delete()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_task_for_an_image_since_replaced_records_nothing(django_capture_on_commit_callbacks):
    show = with_poster(ShowFactory(), jpeg(300, 450), django_capture_on_commit_callbacks)
    old = show.poster.name
    show = with_poster(show, jpeg(200, 300), django_capture_on_commit_callbacks)
    made = renditions.make_renditions.call("guide.Show", show.pk, "poster", old)
    assert made == {}
    show.refresh_from_db()
    assert show.poster_renditions["webp"] == [160, 200]


def test_a_new_image_forgets_the_old_ones_renditions_in_the_same_save():
    """Until its task runs, a page shows the new upload itself, never the old sizes."""
    show = ShowFactory(poster_renditions={"webp": [160, 320]})
    show.poster = jpeg(200, 300)
    show.poster_alt = "New"
    show.save()  # its renditions are drawn only once the save commits
    show.refresh_from_db()
    assert show.poster_renditions == {}


def test_a_page_offers_every_rendition_by_width_and_format(
    client, django_capture_on_commit_callbacks
):
    show = with_poster(
        ShowFactory(is_published=True), jpeg(500, 750), django_capture_on_commit_callbacks
    )
    html = client.get(show.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group()
    url = default_storage.url
    avif = ", ".join(
        f"{url(renditions.rendition_name(show.poster.name, w, 'avif'))} {w}w"
        for w in (160, 320, 480, 500)
    )
    sizes = "(max-width: 40rem) 8rem, 14rem"  # smaller on a phone
    assert f'<source type="image/avif" srcset="{avif}" sizes="{sizes}">' in picture
    img = re.search(r"<img [^>]*>", picture).group()
    assert f'src="{show.poster.url}"' in img
    assert f"{url(renditions.rendition_name(show.poster.name, 320, 'webp'))} 320w" in img
    assert 'width="500"' in img
    assert 'height="750"' in img
    assert 'alt="A school at dusk"' in img
    # The poster is the first thing a reader sees: it is not left to load lazily.
    assert 'loading="eager"' in img


def test_before_its_renditions_a_page_shows_the_upload_alone(client):
    show = ShowFactory(
        is_published=True,
        poster="posters/plain.png",
        poster_alt="Plain",
        poster_width=40,
        poster_height=60,
    )
    html = client.get(show.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group()
    assert "srcset" not in picture
    assert "<source" not in picture
    assert f'src="{show.poster.url}"' in picture


def test_a_season_without_a_poster_shows_its_shows(client):
    show = ShowFactory(
        is_published=True,
        poster="posters/show.png",
        poster_alt="The show",
        poster_width=4,
        poster_height=6,
    )
    season = SeasonFactory(show=show, number=1)
    html = client.get(season.get_absolute_url()).content.decode()
    assert 'alt="The show"' in html
    Season.objects.filter(pk=season.pk).update(
        poster="posters/season.png", poster_alt="Season one", poster_width=4, poster_height=6
    )
    html = client.get(season.get_absolute_url()).content.decode()
    assert 'alt="Season one"' in html
    assert 'alt="The show"' not in html


def test_an_episode_still_is_shown_only_to_readers_who_have_watched_its_season(client):
    show = ShowFactory(is_published=True)
    SeasonFactory(show=show, number=1, status="released", release_date="2022-01-28")
    season = SeasonFactory(show=show, number=2, status="released", release_date="2024-01-01")
    EpisodeFactory(
        season=season,
        number=1,
        synopsis="They reach the roof.",
        still="stills/roof.webp",
        still_alt="Four students on a roof",
        still_width=1280,
        still_height=720,
    )
    page = season.get_absolute_url()
    fan = UserFactory()
    client.force_login(fan)
    # A fan who has watched one season finds the still and its description only inside
    # a closed reveal, where a lazy image does not load until it is opened...
    WatchProgress.objects.create(user=fan, show=show, seasons_watched=1)
    html = client.get(page).content.decode()
    assert "stills/roof" in html
    assert "stills/roof" not in open_part(html)
    assert "Four students" not in open_part(html)
    # ...and in the open once they have watched its season.
    WatchProgress.objects.filter(user=fan).update(seasons_watched=2)
    html = open_part(client.get(page).content.decode())
    still = re.search(r"<img [^>]*stills/roof[^>]*>", html).group()
    assert 'alt="Four students on a roof"' in still
    assert 'loading="lazy"' in still


def test_a_render_reads_no_storage(client, django_capture_on_commit_callbacks, monkeypatch):
    show = with_poster(
        ShowFactory(is_published=True), jpeg(700, 1050), django_capture_on_commit_callbacks
    )
    client.get(show.get_absolute_url())  # warm what is kept between requests
    for name in ("open", "exists", "size", "listdir"):
        monkeypatch.setattr(
            default_storage, name, lambda *a, **k: pytest.fail("a page read the storage")
        )
    response = client.get(show.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count(" 160w") == 2  # AVIF and WebP
