"""A row of every model the admin shows, and the admin's addresses for each.

Tests that walk `admin.site._registry` take their rows from here; a model registered
without a row here fails them with a message saying so.
"""

import io

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult, get_date_max
from PIL import Image

from accounts.models import DataExport
from guide.models import CrowdBucket, CrowdDay, ForecastBoardRow, TheoryBoardRow
from tests import factories

REGISTERED = dict(admin.site._registry)

_ATTEMPT = {
    "user_agent": "Mozilla/5.0",
    "ip_address": "127.0.0.1",
    "username": "fan",
    "http_accept": "text/html",
    "path_info": "/accounts/login/",
}


def model_id(model) -> str:
    return model._meta.label_lower


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def one_of_each(*, with_images: bool = False) -> dict:
    """A row of every registered model, linked to each other as on the real site.

    `with_images`: the show has a stored poster and the character a portrait (point
    MEDIA_ROOT somewhere temporary first).
    """
    status = factories.CharacterStatusFactory()
    character, season = status.character, status.season
    if with_images:
        store_image(character.show, "poster")
        store_image(character, "portrait")
    theory = factories.TheoryFactory(season=season)
    theory.characters.add(character)
    comment = factories.CommentFactory(theory=theory)
    question = factories.PredictionFactory(season=season)
    score = factories.ForecastScoreFactory(prediction=question)
    rows = [
        character.show,
        season,
        factories.EpisodeFactory(season=season),
        character.actor,
        character,
        status,
        factories.FactFactory(season=season, quoted_person=character.actor),
        theory,
        factories.TheoryImageFactory(theory=theory),
        factories.VoteFactory(theory=theory),
        comment,
        factories.ReportFactory(theory=None, comment=comment),
        factories.ModerationActionFactory(theory=theory),
        factories.RevisionFactory(theory=theory),
        factories.WatchProgressFactory(show=character.show),
        theory.author,
        Group.objects.get(name="Editors"),
        AccessAttempt.objects.get_or_create(
            **_ATTEMPT, defaults={"get_data": "", "post_data": "", "failures_since_start": 1}
        )[0],
        AccessLog.objects.create(**_ATTEMPT),
        AccessFailureLog.objects.create(**_ATTEMPT),
        factories.FollowFactory(theory=theory),
        factories.SeasonFollowFactory(season=season),
        factories.BookmarkFactory(theory=theory),
        factories.CommentVoteFactory(comment=comment),
        factories.NotificationFactory(comment=comment),
        factories.MailPreferenceFactory(),
        factories.ShowFollowFactory(show=character.show),
        factories.FanFollowFactory(fan=theory.author),
        factories.SentMailFactory(),
        question,
        factories.ForecastFactory(prediction=question),
        # The question's crowd, counted from that forecast.
        CrowdBucket.objects.get(prediction=question),
        CrowdDay.objects.get(prediction=question),
        score,
        # The boards' rows: the score's, as resolving would store it, and one of theories
        # as a settled theory would make (what rows hold is tests/guide/test_boards.py's).
        TheoryBoardRow.objects.create(user=theory.author, scope="all", confirmed=1),
        ForecastBoardRow.objects.get(scope="all", user=score.user),
        DataExport.objects.create(user=theory.author, size=2048),
        DBTaskResult.objects.create(
            args_kwargs={"args": [comment.pk], "kwargs": {}},
            task_path="guide.tasks.deliver_comment",
            backend_name="default",
            run_after=get_date_max(),
            exception_class_path="",
            traceback="",
        ),
    ]
    return {type(row): row for row in rows}


def store_image(row, field: str) -> None:
    """Give a row a stored image, described, as an editor's upload would."""
    upload = image_upload()
    getattr(row, field).save(upload.name, upload, save=False)
    setattr(row, f"{field}_alt", "A described image")
    row.save()


def image_upload(image_format: str = "PNG", size=(24, 36)) -> SimpleUploadedFile:
    """A small real image, as a browser uploads it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=image_format)
    extension = {"PNG": "png", "JPEG": "jpg"}[image_format]
    return SimpleUploadedFile(
        f"upload.{extension}", buffer.getvalue(), content_type=f"image/{image_format.lower()}"
    )
