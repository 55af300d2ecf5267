import ast
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import User
from guide.demo import data
from guide.models import (
    Character,
    CharacterState,
    CharacterStatus,
    Fact,
    Person,
    Season,
    Show,
    Theory,
    TheoryImage,
    Vote,
)
from guide.selectors import vote_count_mismatches

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


# Sign-ins are recorded by Django itself, not by the demo.
IGNORED_FIELDS = {"accounts.User": {"last_login"}}


def snapshot() -> dict[str, list[dict]]:
    """Every row of every guide and accounts model (many-to-many tables included), every
    field included (timestamps too), except the ones in IGNORED_FIELDS."""
    return {
        model._meta.label: [
            {
                name: value
                for name, value in row.items()
                if name not in IGNORED_FIELDS.get(model._meta.label, ())
            }
            for row in model._default_manager.order_by("pk").values()
        ]
        for app in ("guide", "accounts")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def test_second_run_changes_nothing():
    load_demo()
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "0 created, 0 updated" in output
    assert "deleted" not in output


def test_every_page_of_the_demo_has_its_pictures_drawn_once(django_capture_on_commit_callbacks):
    """Posters, portraits and fans' theory pictures, typographic, each described; a
    second run draws none again."""
    with django_capture_on_commit_callbacks(execute=True):
        first = load_demo()
    drawn = 1 + len(data.SEASONS) + len(data.PEOPLE) + len(data.CHARACTERS)
    drawn += len(data.THEORY_PICTURES)
    assert f"{drawn} pictures drawn" in first
    show = Show.objects.get(slug=data.SHOW_SLUG)
    rows = [show, *show.seasons.all(), *Person.objects.all(), *show.characters.all()]
    for row in rows:
        field = "poster" if isinstance(row, (Show, Season)) else "portrait"
        assert getattr(row, field).name, row
        assert getattr(row, f"{field}_alt").startswith("Typographic"), row
        assert getattr(row, f"{field}_renditions")["webp"], row  # drawn once it committed
    pictures = TheoryImage.objects.order_by("pk")
    assert [p.alt for p in pictures] == [record["alt"] for record in data.THEORY_PICTURES]
    assert "pictures drawn" not in load_demo()


def test_snapshot_covers_fans_theories_votes_and_comments():
    load_demo()
    rows = snapshot()
    assert len(rows["accounts.User"]) == len(data.FANS)
    assert "last_login" not in rows["accounts.User"][0]
    assert len(rows["guide.Theory"]) == len(data.THEORIES)
    assert len(rows["guide.Comment"]) == len(data.COMMENTS)
    assert len(rows["guide.Vote"]) == len(data.planned_votes())
    assert rows["guide.Theory_characters"]


def test_summary_names_the_new_parts():
    output = load_demo()
    for part in (
        "7 demo fans",
        f"{len(data.THEORIES)} theories",
        f"{len(data.COMMENTS)} comments",
        f"{len(data.planned_votes())} votes",
    ):
        assert part in output


def test_run_restores_edited_values_without_duplicating():
    load_demo()
    fact = Fact.objects.get(question="When will season 2 be released?")
    Fact.objects.filter(pk=fact.pk).update(answer_en="Edited by hand.")
    Person.objects.filter(slug="ahn-ji-ho").delete()
    counts = {label: len(rows) for label, rows in snapshot().items()}

    output = load_demo()

    fact.refresh_from_db()
    assert fact.answer.startswith("There is no premiere date yet.")
    assert Person.objects.filter(slug="ahn-ji-ho").exists()
    assert Fact.objects.count() == counts["guide.Fact"]
    assert Person.objects.count() == counts["guide.Person"] + 1
    assert "1 created, 1 updated" in output


def test_run_withdraws_a_season_2_status_for_cheong_san():
    load_demo()
    CharacterStatus.objects.create(
        character=Character.objects.get(slug="lee-cheong-san"),
        season=Season.objects.get(show__slug=data.SHOW_SLUG, number=2),
        status=CharacterState.ALIVE,
    )

    output = load_demo()

    assert not CharacterStatus.objects.filter(
        character__slug="lee-cheong-san", season__number=2
    ).exists()
    assert "0 created, 0 updated, 1 deleted" in output


def test_demo_fans_cannot_log_in():
    load_demo()
    load_demo()
    for fan in User.objects.all():
        assert not fan.has_usable_password()
        for guess in ("", fan.username, "password"):
            assert not fan.check_password(guess)
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="hyosan_survivor", password="") is None


def test_run_restores_votes_dates_and_counts():
    load_demo()
    theory = Theory.objects.get(title="Nam-ra learns to live with the hunger")
    posted = theory.created_at
    vote = Vote.objects.filter(theory=theory).first()
    Vote.objects.filter(pk=vote.pk).update(value=-vote.value)
    Vote.objects.filter(theory=theory).exclude(pk=vote.pk).first().delete()
    Theory.objects.filter(pk=theory.pk).update(created_at=datetime.datetime.now(datetime.UTC))
    theory.characters.clear()
    stray = User.objects.get(username="quarantine_zone")
    Vote.objects.filter(user=stray, theory__season__number=2).delete()
    extra = Theory.objects.exclude(votes__user=stray).exclude(author=stray).first()
    Vote.objects.create(user=stray, theory=extra, value=1)

    output = load_demo()

    theory.refresh_from_db()
    assert theory.created_at == posted
    assert list(theory.characters.values_list("slug", flat=True)) == ["choi-nam-ra"]
    assert "deleted" in output
    assert vote_count_mismatches() == []
    assert Vote.objects.count() == len(data.planned_votes())
    before = snapshot()
    load_demo()
    assert snapshot() == before


def test_votes_are_deterministic():
    first = data.planned_votes()
    assert first == data.planned_votes()
    assert data.vote_of("hyosan_survivor", "Some title", 75) in (-1, 0, 1)


def test_records_are_plain_python():
    tree = ast.parse(Path(data.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name.split(".")[0] for name in imported} & {"django", "guide", "accounts"}
