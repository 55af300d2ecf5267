"""A show's content survives a trip out and back: export_show, then import_show into a
site without it (or with an older copy), then export_show again gives the same file."""

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from guide import transfer
from guide.models import Character, CharacterStatus, Episode, Fact, Person, Season, Show
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    EpisodeFactory,
    FactFactory,
    PersonFactory,
    ReleasedSeasonFactory,
    SeasonFactory,
    ShowFactory,
)
from tests.kit.admin_world import store_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def a_full_show() -> Show:
    show = ShowFactory(
        title="Hyosan", slug="hyosan", original_title="지금 우리 학교는", genres="horror, drama"
    )
    store_image(show, "poster")
    one = ReleasedSeasonFactory(show=show, number=1, episode_count=12)
    two = SeasonFactory(
        show=show,
        number=2,
        forecasts_lock_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
        renewal_announced_on=datetime.date(2022, 6, 7),
    )
    EpisodeFactory(season=one, number=1, title="Outbreak", synopsis="A bite.")
    actor = PersonFactory(name="Park Ji-hu", slug="park-ji-hu", aliases="박지후")
    director = PersonFactory(name="Lee Jae-gyu", slug="lee-jae-gyu")
    on_chan = CharacterFactory(show=show, slug="on-jo", name="Nam On-jo", actor=actor)
    store_image(on_chan, "portrait")
    CharacterStatusFactory(character=on_chan, season=one, status="alive", note="Survives.")
    CharacterStatusFactory(character=on_chan, season=two, status="unknown")
    FactFactory(season=one, question="Episodes?", answer="Twelve.", order=2)
    FactFactory(
        season=two,
        question="Renewed?",
        quoted_person=director,
        quote="We will come back.",
        kind="interview",
        spoiler_season=1,
        milestone="renewed",
        happened_on=datetime.date(2022, 6, 7),
    )
    return show


def content(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(transfer.CONTENT).decode()


def test_out_and_back_into_an_empty_site_is_the_same_file(media):
    show = a_full_show()
    first = transfer.export_show(show)
    images = {
        name: zipfile.ZipFile(io.BytesIO(first)).read(name)
        for name in zipfile.ZipFile(io.BytesIO(first)).namelist()
        if name.startswith(transfer.MEDIA)
    }
    assert len(images) == 2
    counts = {model: model.objects.count() for model in (Season, Episode, Character, Fact)}
    Show.objects.all().delete()  # seasons, episodes, characters, statuses, facts go with it
    Person.objects.all().delete()
    for name in images:
        default_storage.delete(name.removeprefix(transfer.MEDIA))
    back = transfer.import_show(first)
    assert back.slug == "hyosan"
    assert {model: model.objects.count() for model in counts} == counts
    assert CharacterStatus.objects.count() == 2
    second = transfer.export_show(back)
    assert content(second) == content(first)
    for name, data in images.items():
        with default_storage.open(name.removeprefix(transfer.MEDIA), "rb") as stored:
            assert stored.read() == data
    kept = Fact.objects.get(question="Renewed?")
    assert kept.quoted_person.slug == "lee-jae-gyu"
    assert kept.updated_at == Fact.objects.get(pk=kept.pk).updated_at


def test_importing_over_an_older_copy_updates_it_in_place(media):
    show = a_full_show()
    data = transfer.export_show(show)
    season = Season.objects.get(show=show, number=2)
    Season.objects.filter(pk=season.pk).update(title_en="Changed meanwhile")
    Fact.objects.filter(question="Episodes?").delete()
    transfer.import_show(data)
    assert Season.objects.get(pk=season.pk).title == ""  # the same row, as exported
    assert Fact.objects.filter(question="Episodes?").count() == 1
    assert Show.objects.count() == 1


def test_the_commands_round_trip_and_refuse_what_is_no_export(media, tmp_path):
    a_full_show()
    path = tmp_path / "hyosan.zip"
    call_command("export_show", "hyosan", str(path))
    before = content(path.read_bytes())
    Show.objects.all().delete()
    call_command("import_show", str(path))
    after = tmp_path / "again.zip"
    call_command("export_show", "hyosan", str(after))
    assert content(after.read_bytes()) == before
    with pytest.raises(CommandError, match="No show"):
        call_command("export_show", "nope", str(tmp_path / "x.zip"))
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a show export"):
        call_command("import_show", str(junk))
    with pytest.raises(CommandError, match="no file"):
        call_command("import_show", str(tmp_path / "missing.zip"))


def test_an_export_holds_no_database_id(media):
    text = content(transfer.export_show(a_full_show()))
    assert '"pk"' not in text


@pytest.mark.parametrize(
    "rows",
    [
        '[{"model": "guide.nothing", "fields": {}}]',
        '[{"model": "guide.season", "fields": {"show": ["no-such-show"], "number": 1}}]',
        "[]",
        "not json",
    ],
)
def test_a_broken_export_changes_nothing(media, rows):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(transfer.CONTENT, rows)
    with pytest.raises(transfer.NotAnExport):
        transfer.import_show(buffer.getvalue())
    assert not Season.objects.exists()
