"""What a fan takes with them: everything they wrote or chose, as one ZIP file.

The rows are found by introspection: every model with a foreign key to the user model is
either exported by that key (OWN_ROWS) or left out with its reason (NOT_THEIRS), and
tests/accounts/test_data_export.py fails when a new one is neither. Each row is written
as Django's serializer writes it ({"model", "pk", "fields"}), so nothing a field holds is
lost or renamed; derived columns (the rendered HTML, search text, ranks) are left out, as
the fan's words are there in full. Earlier texts of their theories, comments and claims
come with them (Revision has no user of its own), and so do the pictures they showed with
their theories, as rows and as the files themselves. Their theories are also written as
Markdown, one file each, readable anywhere.
"""

import io
import json
import zipfile
from collections.abc import Iterator

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify

FORMAT = "next-season-export/1"

# Model label -> the field that names the fan whose row it is.
OWN_ROWS = {
    "guide.Theory": "author",
    "guide.Comment": "author",
    "guide.Prediction": "author",
    "guide.Vote": "user",
    "guide.CommentVote": "user",
    "guide.Forecast": "user",
    "guide.ForecastScore": "user",
    "guide.Follow": "user",
    "guide.ShowFollow": "user",
    "guide.SeasonFollow": "user",
    "guide.FanFollow": "user",
    "guide.Bookmark": "user",
    "guide.Report": "reporter",
    "guide.WatchProgress": "user",
    "guide.MailPreference": "user",
}
# Relations to a user that are no fan's own writing or choice, with the reason.
NOT_THEIRS = {
    ("guide.FanFollow", "fan"): "who follows them is the other fans' choice",
    ("guide.Notification", "recipient"): "news of what others did, told to them",
    ("guide.Notification", "actor"): "the fan another fan's news line names",
    ("guide.SentMail", "recipient"): "a count of mails sent, for the daily limit",
    ("guide.Report", "resolved_by"): "a moderator's work on someone's report",
    ("guide.Prediction", "resolved_by"): "a moderator's verdict",
    ("guide.ModerationAction", "moderator"): "a moderator's work, in the public log",
    ("accounts.DataExport", "user"): "the exports themselves",
    ("admin.LogEntry", "user"): "staff's edits in the admin",
    ("guide.TheoryBoardRow", "user"): "a count of their settled theories, which are exported",
    ("guide.ForecastBoardRow", "user"): "a count of their scores, which are exported",
}
# Columns computed from the fan's own words or from others' votes: the words are kept.
DERIVED = {
    *("body_html", "search_text", "excerpt", "hot", "wilson", "username_skeleton"),
    "image_renditions",  # drawn again from the picture
}
# Of the account itself: never its password's hash.
ACCOUNT_FIELDS = (
    "username",
    "display_name",
    "bio",
    "email",
    "pending_email",
    "date_joined",
    "last_login",
)


def user_relations() -> Iterator[tuple[str, str]]:
    """(model label, field name) of every foreign key to the user model."""
    user_model = get_user_model()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                yield model._meta.label, field.name


def item_count(user) -> int:
    """How many rows an export of `user` holds (besides revisions): one count a model."""
    return sum(
        apps.get_model(label)._default_manager.filter(**{field: user}).count()
        for label, field in OWN_ROWS.items()
    )


def _rows(model: type[Model], rows) -> list[dict]:
    fields = [
        each.name
        for each in model._meta.concrete_fields
        if each.name not in DERIVED and not each.primary_key
    ]
    # Shows, seasons and characters by their slugs and numbers, fans by their usernames:
    # what a reader elsewhere can make sense of. A theory another row names keeps its
    # id, which is its "pk" among the fan's theories and in its address on the site.
    return serializers.serialize("python", rows, fields=fields, use_natural_foreign_keys=True)


def _natural_paths(model: type[Model]) -> list[str]:
    """The joins that serializing `model`'s foreign keys by natural key reads: each key,
    and what its target's natural key follows (a season's show), so that no row costs a
    query of its own."""
    paths = []
    for field in model._meta.concrete_fields:
        target = field.related_model if field.many_to_one else None
        if target is None or not hasattr(target, "natural_key"):
            continue
        paths.append(field.name)
        for lookup in getattr(target, "natural_key_lookups", ()):
            if "__" in lookup:
                paths.append(f"{field.name}__{lookup.rsplit('__', 1)[0]}")
    return paths


def data_of(user) -> dict:
    """Every row the fan wrote or chose, by model, with their account's own fields."""
    data = {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "account": {name: getattr(user, name) for name in ACCOUNT_FIELDS},
    }
    for label, field in OWN_ROWS.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(**{field: user}).order_by("pk")
        if paths := _natural_paths(model):
            rows = rows.select_related(*paths)
        data[label] = _rows(model, rows)
    revision = apps.get_model("guide.Revision")
    earlier = revision.objects.filter(
        Q(theory__author=user) | Q(comment__author=user) | Q(prediction__author=user)
    ).order_by("pk")
    data["guide.Revision"] = _rows(revision, earlier)
    pictures = _pictures_of(user)
    data["guide.TheoryImage"] = _rows(pictures.model, pictures.order_by("pk"))
    return data


def _pictures_of(user):
    return apps.get_model("guide.TheoryImage").objects.filter(theory__author=user)


def theory_markdown(theory) -> str:
    """One theory, as its author wrote it, in Markdown with a short header: its show and
    the season it predicts, when it was posted, and what it gives away."""
    season = theory.season
    lines = [f"# {theory.title}", ""]
    if theory.spoiler_free_title:
        lines += [f"*{theory.spoiler_free_title}*", ""]
    about = f"{season.show.title}, season {season.number} · posted {theory.created_at:%Y-%m-%d}"
    if theory.spoiler_season:
        about += f" · spoils season {theory.spoiler_season}"
    lines += [about, "", theory.body.rstrip(), ""]
    return "\n".join(lines)


def archive(user) -> bytes:
    """The fan's ZIP: data.json, theories/<id>-<slug>.md for each theory, and under
    pictures/ each picture they showed, by the name data.json gives it."""
    data = data_of(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        )
        theories = apps.get_model("guide.Theory").objects.filter(author=user)
        for theory in theories.select_related("season__show").order_by("pk"):
            name = slugify(theory.title, allow_unicode=True)[:60] or "theory"
            bundle.writestr(f"theories/{theory.pk}-{name}.md", theory_markdown(theory))
        for picture in _pictures_of(user).order_by("pk"):
            with picture.image.open("rb") as stored:  # as data.json names it
                bundle.writestr(f"pictures/{picture.image.name}", stored.read())
    return buffer.getvalue()


def file_name(user) -> str:
    return f"next-season-{user.username}-{timezone.now():%Y%m%d}.zip"
