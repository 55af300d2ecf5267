"""A fan takes everything they wrote or chose with them, and no one else's.

Every relation of any model to the user model is either exported or left out with a
reason (found by introspection, so a new one must say which); a fan with one of every
kind of row gets each back, with their theories' earlier texts and in Markdown; a large
export is made by the task worker and offered to its owner only; files go with the
account.
"""

import io
import json
import zipfile
from http import HTTPStatus

import pytest
from django.conf import settings as project_settings
from django.test import TestCase
from django.urls import reverse

from accounts import export, services
from accounts.models import DataExport
from guide.models import (
    Bookmark,
    CommentVote,
    FanFollow,
    Follow,
    MailPreference,
    Report,
    Revision,
    SeasonFollow,
    ShowFollow,
    TheoryImage,
    WatchProgress,
)
from tests.factories import (
    CommentFactory,
    ForecastFactory,
    ForecastScoreFactory,
    PredictionFactory,
    ReleasedSeasonFactory,
    TheoryFactory,
    UserFactory,
    VoteFactory,
)
from tests.kit.admin_world import image_upload

pytestmark = pytest.mark.django_db


def test_every_relation_to_a_fan_is_exported_or_left_out_with_a_reason():
    found = set(export.user_relations())
    exported = set(export.OWN_ROWS.items())
    assert found == exported | set(export.NOT_THEIRS)
    assert not exported & set(export.NOT_THEIRS)


def everything_of(fan, other):
    """One row of every kind the export holds, by `fan`, and the same by `other`."""
    season = ReleasedSeasonFactory()
    rows = {}
    for who in (fan, other):
        theory = TheoryFactory(author=who, season=season, title=f"Title by {who.username}")
        Revision.objects.create(
            theory=theory, title="Before", body="Earlier words", written_at=theory.created_at
        )
        comment = CommentFactory(author=who, theory=theory, body=f"Comment by {who.username}")
        claim = PredictionFactory(author=who, theory=theory, season=season)
        rows[who.pk] = {
            "guide.Theory": theory,
            "guide.Comment": comment,
            "guide.Prediction": claim,
            "guide.Vote": VoteFactory(user=who, theory=theory),
            "guide.CommentVote": CommentVote.objects.create(user=who, comment=comment, value=1),
            "guide.Forecast": ForecastFactory(user=who, prediction=claim),
            "guide.ForecastScore": ForecastScoreFactory(user=who, prediction=claim),
            "guide.Follow": Follow.objects.create(user=who, theory=theory),
            "guide.ShowFollow": ShowFollow.objects.create(user=who, show=season.show),
            "guide.SeasonFollow": SeasonFollow.objects.create(user=who, season=season),
            "guide.Bookmark": Bookmark.objects.create(user=who, theory=theory),
            "guide.Report": Report.objects.create(reporter=who, theory=theory, reason="spam"),
            "guide.WatchProgress": WatchProgress.objects.create(
                user=who, show=season.show, seasons_watched=1
            ),
            "guide.MailPreference": MailPreference.objects.create(user=who),
            "guide.TheoryImage": TheoryImage.objects.create(
                theory=theory, image=image_upload(), alt=f"A panel shown by {who.username}"
            ),
        }
    rows[fan.pk]["guide.FanFollow"] = FanFollow.objects.create(user=fan, fan=other)
    rows[other.pk]["guide.FanFollow"] = FanFollow.objects.create(user=other, fan=fan)
    return rows


def opened(response) -> zipfile.ZipFile:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return zipfile.ZipFile(io.BytesIO(content))


@pytest.fixture
def downloaded(fan, fan_client):
    """The fan's rows, another fan's beside them, and the ZIP the fan downloads."""
    rows = everything_of(fan, UserFactory(username="someone_else"))
    response = fan_client.post(reverse("accounts:export"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="next-season-fan-')
    bundle = opened(response)
    return rows[fan.pk], bundle, json.loads(bundle.read("data.json"))


def test_a_fan_gets_every_row_of_theirs_and_none_of_anyone_else(downloaded):
    mine, _bundle, data = downloaded
    assert data["format"] == "next-season-export/1"
    assert data["account"]["username"] == "fan"
    assert "password" not in json.dumps(data)
    for label, row in mine.items():
        assert [each["pk"] for each in data[label]] == [row.pk], label
        assert data[label][0]["model"] == label.lower()
    assert "someone_else" not in json.dumps(data["guide.Comment"])


def test_theories_come_whole_with_earlier_texts_and_readable_names(downloaded):
    mine, _bundle, data = downloaded
    theory, season = data["guide.Theory"][0]["fields"], mine["guide.Theory"].season
    assert theory["body"] == mine["guide.Theory"].body
    assert "body_html" not in theory
    assert theory["season"] == [season.show.slug, season.number]
    assert theory["author"] == ["fan"]
    assert [row["fields"]["body"] for row in data["guide.Revision"]] == ["Earlier words"]


def test_each_theory_is_also_markdown(downloaded):
    mine, bundle, _data = downloaded
    markdown = [name for name in bundle.namelist() if name.startswith("theories/")]
    assert len(markdown) == 1
    text = bundle.read(markdown[0]).decode()
    season = mine["guide.Theory"].season
    assert text.startswith("# Title by fan\n")
    assert f"{season.show.title}, season {season.number}" in text
    assert mine["guide.Theory"].body in text


def test_a_large_export_is_made_by_the_worker_and_offered_to_its_owner(
    fan, fan_client, other_fan_client, settings
):
    settings.EXPORT_INLINE_ROWS = 0
    everything_of(fan, UserFactory())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = fan_client.post(reverse("accounts:export"))
    assert response.status_code == HTTPStatus.FOUND
    made = DataExport.objects.get(user=fan)
    assert made.ready_at is not None
    assert made.size > 0
    page = fan_client.get(reverse("accounts:settings")).content.decode()
    address = reverse("accounts:download_export", args=[made.pk])
    assert address in page
    download = fan_client.get(address)
    assert download.status_code == HTTPStatus.OK
    assert json.loads(opened(download).read("data.json"))["account"]["username"] == "fan"
    assert other_fan_client.get(address).status_code == HTTPStatus.NOT_FOUND
    assert not made.file.path.startswith(str(project_settings.MEDIA_ROOT))


def test_a_new_request_replaces_the_earlier_file(fan, settings):
    settings.EXPORT_INLINE_ROWS = 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = services.queue_export(user=fan)
    first.refresh_from_db()
    storage, name = first.file.storage, first.file.name
    assert storage.exists(name)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.queue_export(user=fan)
    assert not storage.exists(name)
    assert DataExport.objects.filter(user=fan).count() == 1


def test_a_replaced_request_is_not_made_twice(fan):
    waiting = DataExport.objects.create(user=fan)
    assert services.prepare_export(export_id=waiting.pk) is True
    assert services.prepare_export(export_id=waiting.pk) is False


def test_deleting_the_account_deletes_its_files(fan):
    with TestCase.captureOnCommitCallbacks(execute=True):
        made = services.queue_export(user=fan)
    made.refresh_from_db()
    storage, name = made.file.storage, made.file.name
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.delete_account(user=fan)
    assert not storage.exists(name)


def test_visitors_are_asked_to_log_in_and_a_get_changes_nothing(client, fan, fan_client):
    response = client.post(reverse("accounts:export"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("accounts:login") in response["Location"]
    visit = fan_client.get(reverse("accounts:export"))
    assert visit["Location"] == reverse("accounts:settings") + "#data-title"
    assert not DataExport.objects.filter(user=fan).exists()


def test_the_pictures_come_as_files_under_the_names_their_rows_give(downloaded):
    mine, bundle, data = downloaded
    [row] = data["guide.TheoryImage"]
    assert row["fields"]["alt"] == "A panel shown by fan"
    assert "image_renditions" not in row["fields"]
    stored = mine["guide.TheoryImage"].image
    assert row["fields"]["image"] == stored.name
    with stored.open("rb") as handle:
        assert bundle.read(f"pictures/{stored.name}") == handle.read()
    assert [name for name in bundle.namelist() if name.startswith("pictures/")] == [
        f"pictures/{stored.name}"
    ]


def test_an_export_reads_a_few_queries_a_model_however_many_rows(
    fan, django_assert_max_num_queries
):
    season = ReleasedSeasonFactory()
    for _ in range(30):
        theory = TheoryFactory(author=fan, season=season)
        VoteFactory(user=fan, theory=theory)
        CommentFactory(author=fan, theory=theory)
    models = len(export.OWN_ROWS) + 2  # and the revisions, and the pictures
    with django_assert_max_num_queries(models):
        export.data_of(fan)


def test_the_settings_page_offers_it(fan_client):
    page = fan_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:export") in page
