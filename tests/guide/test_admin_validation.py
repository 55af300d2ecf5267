"""Bad input on the editors' desk: a clear message next to the field, nothing lost."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import BaseConstraint
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from guide.models import (
    Character,
    CharacterStatus,
    CrowdBucket,
    CrowdDay,
    ForecastBoardRow,
    ForecastScore,
    NotificationKind,
    Report,
    SeasonStatus,
    Show,
    TheoryBoardRow,
    Vote,
    WatchProgress,
)
from tests import factories
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url, image_upload

pytestmark = pytest.mark.django_db

CHOOSE_AGAIN = "choose it again"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _media_links(body: str) -> set[str]:
    """Every uploaded file the page points at (img src, "Currently:" links)."""
    prefix = "/" + settings.MEDIA_URL.lstrip("/")
    return set(re.findall(rf'(?:src|href)="{re.escape(prefix)}([^"]+)"', body))


def _field_row(body: str, name: str) -> str:
    """The admin's row for one field: its errors, input and help."""
    start = body.index(f'class="form-row field-{name}')
    return body[start : body.index('<div class="form-row', start + 1)]


@pytest.fixture
def show_with_poster(media_root, editor_client):
    show = factories.ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {"poster": image_upload(), "poster_alt": ["Students on a roof"]}
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    show.refresh_from_db()
    assert show.poster
    return show


# Images survive a form that has to be corrected --------------------------------------------


def test_a_failed_save_keeps_showing_the_stored_poster_and_asks_for_the_new_one_again(
    show_with_poster, media_root, editor_client
):
    show = show_with_poster
    stored = show.poster.name
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {"title_en": [""], "poster": image_upload("JPEG", size=(40, 10))}
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "title_en" in response.context["adminform"].form.errors

    body = response.text
    assert _media_links(body) == {stored}, "every image on the page must be the stored one"
    assert (media_root / stored).is_file()
    assert 'width="24" height="36"' in _field_row(body, "poster_preview")
    assert CHOOSE_AGAIN in _field_row(body, "poster")
    show.refresh_from_db()
    assert (show.poster.name, show.poster_width, show.poster_height) == (stored, 24, 36)


def test_an_error_in_an_inline_also_keeps_the_stored_poster(show_with_poster, editor_client):
    show = show_with_poster
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {
        "poster": image_upload(),
        "seasons-TOTAL_FORMS": ["1"],
        "seasons-0-number": ["0"],
        "seasons-0-status": ["announced"],
    }
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    [seasons, _characters] = response.context["inline_admin_formsets"]
    assert seasons.formset.errors[0]["number"]
    assert _media_links(response.text) == {show.poster.name}
    assert CHOOSE_AGAIN in _field_row(response.text, "poster")


def test_a_new_show_whose_poster_must_be_chosen_again_shows_no_broken_image(
    media_root, editor_client
):
    url = admin_url(Show, "add")
    data = change_form_fields(editor_client.get(url))
    data |= {
        "title_en": ["All Of Us Are Dead"],
        "slug": ["not a slug!"],
        "poster": image_upload(),
        "poster_alt": ["Students on a roof"],
    }
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "slug" in response.context["adminform"].form.errors
    assert _media_links(response.text) == set()
    assert "No image uploaded." in _field_row(response.text, "poster_preview")
    assert CHOOSE_AGAIN in _field_row(response.text, "poster")
    assert not Show.objects.exists()
    assert not list(media_root.rglob("*.png"))


def test_no_new_image_means_nothing_to_choose_again(show_with_poster, editor_client):
    url = admin_url(Show, "change", show_with_poster.pk)
    data = change_form_fields(editor_client.get(url)) | {"title_en": [""]}
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert _media_links(response.text) == {show_with_poster.poster.name}
    assert CHOOSE_AGAIN not in response.text


def test_an_unreadable_upload_says_so_and_keeps_the_stored_portrait(media_root, editor_client):
    character = factories.CharacterFactory()
    url = admin_url(Character, "change", character.pk)
    data = change_form_fields(editor_client.get(url))
    data |= {"portrait": image_upload(), "portrait_alt": ["Nam-ra at the window"]}
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    character.refresh_from_db()
    stored = character.portrait.name

    data = change_form_fields(editor_client.get(url))
    data["portrait"] = SimpleUploadedFile("upload.png", b"<svg>", content_type="image/png")
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    row = _field_row(response.text, "portrait")
    assert "Upload a valid image" in row
    assert CHOOSE_AGAIN not in row  # one message is enough: the file itself was wrong
    assert _media_links(response.text) == {stored}


# Every constraint speaks plainly, next to its field ----------------------------------------

BAD_VALUES = {}


def bad_value(name: str, field: str, *, in_admin: bool):
    """Register how to break one constraint: an unsaved row, the field the error belongs
    to, and whether the superuser's admin form for the model lets someone type it."""

    def register(make):
        BAD_VALUES[name] = (make, field, in_admin)
        return make

    return register


@bad_value("guide_show_slug", "slug", in_admin=True)
def _show_slug():
    return factories.ShowFactory.build(slug=factories.ShowFactory().slug)


@bad_value("guide_person_slug", "slug", in_admin=True)
def _person_slug():
    return factories.PersonFactory.build(slug=factories.PersonFactory().slug)


@bad_value("guide_season_unique_number", "number", in_admin=True)
def _season_number_taken():
    taken = factories.SeasonFactory()
    return factories.SeasonFactory.build(show=taken.show, number=taken.number)


@bad_value("guide_season_number_positive", "number", in_admin=True)
def _season_zero():
    return factories.SeasonFactory.build(show=factories.ShowFactory(), number=0)


@bad_value("guide_season_status_valid", "status", in_admin=True)
def _season_status():
    return factories.SeasonFactory.build(show=factories.ShowFactory(), status="cancelled")


@bad_value("guide_season_released_has_date", "release_date", in_admin=True)
def _released_without_date():
    return factories.SeasonFactory.build(
        show=factories.ShowFactory(), status=SeasonStatus.RELEASED, release_date=None
    )


@bad_value("guide_episode_unique_number", "number", in_admin=True)
def _episode_number_taken():
    taken = factories.EpisodeFactory()
    return factories.EpisodeFactory.build(season=taken.season, number=taken.number)


@bad_value("guide_episode_number_positive", "number", in_admin=True)
def _episode_zero():
    return factories.EpisodeFactory.build(season=factories.SeasonFactory(), number=0)


@bad_value("guide_character_unique_slug", "slug", in_admin=True)
def _character_slug_taken():
    taken = factories.CharacterFactory()
    return factories.CharacterFactory.build(show=taken.show, slug=taken.slug, actor=None)


@bad_value("guide_character_role_valid", "role", in_admin=True)
def _character_role():
    return factories.CharacterFactory.build(show=factories.ShowFactory(), role="extra", actor=None)


@bad_value("guide_characterstatus_once_per_season", "season", in_admin=True)
def _status_twice():
    taken = factories.CharacterStatusFactory()
    return CharacterStatus(character=taken.character, season=taken.season, status="dead")


@bad_value("guide_characterstatus_status_valid", "status", in_admin=True)
def _status_unknown_choice():
    character = factories.CharacterFactory()
    season = factories.SeasonFactory(show=character.show)
    return CharacterStatus(character=character, season=season, status="ghost")


def _fact(**fields):
    return factories.FactFactory.build(season=fields.pop("season", None) or _season(), **fields)


def _season():
    return factories.SeasonFactory()


@bad_value("guide_fact_kind_valid", "kind", in_admin=True)
def _fact_kind():
    return _fact(kind="gossip")


@bad_value("guide_fact_milestone_valid", "milestone", in_admin=True)
def _fact_milestone():
    return _fact(milestone="wedding", happened_on=datetime.date(2024, 5, 1))


@bad_value("guide_fact_milestone_dated", "happened_on", in_admin=True)
def _fact_undated_milestone():
    return _fact(milestone="teaser", happened_on=None)


@bad_value("guide_fact_spoiler_season_positive", "spoiler_season", in_admin=True)
def _fact_spoiler_zero():
    return _fact(spoiler_season=0)


# The admin edits each language's question (the rules below), not this column.
@bad_value("guide_fact_unique_question", "question", in_admin=False)
def _fact_question_taken():
    taken = factories.FactFactory()
    return _fact(season=taken.season, question=taken.question)


# Each language's question is unique in its season too (guide/translation.py); an
# untranslated question is NULL, which any number of facts share.
@bad_value("guide_fact_unique_question-en", "question_en", in_admin=True)
def _fact_english_question_taken():
    taken = factories.FactFactory()
    return _fact(season=taken.season, question_en=taken.question_en)


@bad_value("guide_fact_unique_question-ko", "question_ko", in_admin=True)
def _fact_korean_question_taken():
    taken = factories.FactFactory(question_ko="시즌 2는 언제 나오나요?")
    return _fact(season=taken.season, question_ko=taken.question_ko)


@bad_value("guide_theory_outcome_valid", "outcome", in_admin=True)
def _theory_outcome():
    theory = factories.TheoryFactory()
    theory.outcome = "maybe"
    return theory


@bad_value("guide_theory_score_is_difference", "score", in_admin=False)
def _theory_score():
    theory = factories.TheoryFactory()
    theory.score = 5
    return theory


@bad_value("guide_theory_spoiler_season_positive", "spoiler_season", in_admin=False)
def _theory_spoiler_zero():
    return factories.TheoryFactory.build(
        author=factories.UserFactory(), season=factories.SeasonFactory(), spoiler_season=0
    )


@bad_value("guide_prediction_resolution_valid", "resolution", in_admin=True)
def _prediction_resolution():
    prediction = factories.PredictionFactory()
    prediction.resolution = "maybe"
    return prediction


@bad_value("guide_prediction_spoiler_season_positive", "spoiler_season", in_admin=True)
def _prediction_spoiler_zero():
    return factories.PredictionFactory.build(season=factories.SeasonFactory(), spoiler_season=0)


@bad_value("guide_forecast_percent_in_range", "percent", in_admin=False)
def _forecast_certain():
    return factories.ForecastFactory.build(
        prediction=factories.PredictionFactory(), user=factories.UserFactory(), percent=100
    )


@bad_value("guide_forecast_one_current", "user", in_admin=False)
def _second_current_forecast():
    taken = factories.ForecastFactory()
    return factories.ForecastFactory.build(prediction=taken.prediction, user=taken.user)


@bad_value("guide_forecastscore_one_per_fan", "user", in_admin=False)
def _second_score():
    taken = factories.ForecastFactory()
    scored = {"percent": 60, "made_at": taken.created_at, "happened": True, "brier": 0.16}
    ForecastScore.objects.create(
        prediction=taken.prediction, user=taken.user, log_score=-0.5, peer_score=0, **scored
    )
    return ForecastScore(
        prediction=taken.prediction, user=taken.user, log_score=-0.5, peer_score=0, **scored
    )


@bad_value("guide_crowdbucket_one_per_percent", "percent", in_admin=False)
def _second_crowd_bucket():
    taken = factories.ForecastFactory()
    return CrowdBucket(prediction=taken.prediction, percent=taken.percent, forecasters=3)


@bad_value("guide_crowdday_one_per_day", "day", in_admin=False)
def _second_crowd_day():
    taken = CrowdDay.objects.get(prediction=factories.ForecastFactory().prediction)
    return CrowdDay(
        prediction=taken.prediction, day=taken.day, at=taken.at, median=50, forecasters=2
    )


@bad_value("guide_theoryboardrow_one_per_scope", "scope", in_admin=False)
def _second_theory_board_row():
    taken = TheoryBoardRow.objects.create(user=factories.UserFactory(), scope="all", confirmed=1)
    return TheoryBoardRow(user=taken.user, scope="all", debunked=1)


@bad_value("guide_forecastboardrow_one_per_scope", "scope", in_admin=False)
def _second_forecast_board_row():
    taken = ForecastBoardRow.objects.create(
        user=factories.UserFactory(), scope="all", scored=1, mean_peer=0, mean_brier=0.25
    )
    return ForecastBoardRow(user=taken.user, scope="all", scored=2, mean_peer=0, mean_brier=0.2)


@bad_value("guide_vote_one_per_fan", "theory", in_admin=False)
def _second_vote():
    taken = factories.VoteFactory()
    return Vote(user=taken.user, theory=taken.theory, value=-1)


@bad_value("guide_vote_value_valid", "value", in_admin=False)
def _vote_value():
    return Vote(user=factories.UserFactory(), theory=factories.TheoryFactory(), value=2)


@bad_value("guide_comment_spoiler_season_positive", "spoiler_season", in_admin=False)
def _comment_spoiler_zero():
    return factories.CommentFactory.build(
        theory=factories.TheoryFactory(), author=factories.UserFactory(), spoiler_season=0
    )


def _report(**fields):
    fields.setdefault("reporter", factories.UserFactory())
    fields.setdefault("reason", "spam")
    return Report(**fields)


@bad_value("guide_report_one_target", "theory", in_admin=False)
def _report_of_nothing():
    return _report()


@bad_value("guide_report_reason_valid", "reason", in_admin=False)
def _report_reason():
    return _report(theory=factories.TheoryFactory(), reason="boring")


@bad_value("guide_report_status_valid", "status", in_admin=False)
def _report_status():
    return _report(theory=factories.TheoryFactory(), status="pending")


@bad_value("guide_report_resolved_when_closed", "status", in_admin=False)
def _report_closed_without_time():
    return _report(theory=factories.TheoryFactory(), status="resolved", resolved_at=None)


@bad_value("guide_report_one_open_per_theory", "theory", in_admin=False)
def _second_open_report_on_a_theory():
    taken = factories.ReportFactory()
    return _report(reporter=taken.reporter, theory=taken.theory)


@bad_value("guide_report_one_open_per_comment", "comment", in_admin=False)
def _second_open_report_on_a_comment():
    taken = factories.ReportFactory(theory=None, comment=factories.CommentFactory())
    return _report(reporter=taken.reporter, comment=taken.comment)


@bad_value("guide_moderationaction_kind_valid", "kind", in_admin=False)
def _action_kind():
    return factories.ModerationActionFactory.build(
        moderator=None, theory=factories.TheoryFactory(), kind="ban"
    )


@bad_value("guide_moderationaction_target_kind_valid", "target_kind", in_admin=False)
def _action_target_kind():
    return factories.ModerationActionFactory.build(
        moderator=None, theory=factories.TheoryFactory(), target_kind="poll"
    )


@bad_value("guide_revision_spoiler_season_positive", "spoiler_season", in_admin=False)
def _revision_season_zero():
    return factories.RevisionFactory.build(theory=factories.TheoryFactory(), spoiler_season=0)


@bad_value("guide_comment_depth_matches_parent", "parent", in_admin=False)
def _reply_at_the_top():
    comment = factories.CommentFactory()
    return factories.CommentFactory.build(theory=comment.theory, parent=comment, depth=0)


@bad_value("guide_comment_deleted_keeps_nothing", "body", in_admin=False)
def _deleted_comment_with_text():
    return factories.CommentFactory.build(deleted_at=timezone.now())


@bad_value("guide_comment_score_is_difference", "score", in_admin=False)
def _comment_score_off():
    return factories.CommentFactory.build(upvotes=2, downvotes=1, score=5)


@bad_value("guide_commentvote_one_per_fan", "comment", in_admin=False)
def _second_comment_vote():
    first = factories.CommentVoteFactory()
    return factories.CommentVoteFactory.build(user=first.user, comment=first.comment)


@bad_value("guide_commentvote_value_valid", "value", in_admin=False)
def _comment_vote_of_two():
    return factories.CommentVoteFactory.build(value=2)


@bad_value("guide_bookmark_of_one_item", "theory", in_admin=False)
def _bookmark_of_nothing():
    return factories.BookmarkFactory.build(theory=None, comment=None)


@bad_value("guide_bookmark_theory_once", "theory", in_admin=False)
def _theory_saved_twice():
    first = factories.BookmarkFactory()
    return factories.BookmarkFactory.build(user=first.user, theory=first.theory)


@bad_value("guide_bookmark_comment_once", "comment", in_admin=False)
def _comment_saved_twice():
    first = factories.BookmarkFactory(theory=None, comment=factories.CommentFactory())
    return factories.BookmarkFactory.build(user=first.user, theory=None, comment=first.comment)


@bad_value("guide_mailpreference_user", "user", in_admin=False)
def _second_mail_preference():
    return factories.MailPreferenceFactory.build(user=factories.MailPreferenceFactory().user)


def _mail_choice(kind):
    @bad_value(f"guide_mailpreference_{kind}_valid", kind, in_admin=False)
    def _often():
        return factories.MailPreferenceFactory.build(**{kind: "often"})


for _kind in NotificationKind.values:
    _mail_choice(_kind)


@bad_value("guide_seasonfollow_once_per_fan", "season", in_admin=False)
def _second_season_follow():
    first = factories.SeasonFollowFactory()
    return factories.SeasonFollowFactory.build(user=first.user, season=first.season)


@bad_value("guide_notification_once_per_theory", "theory", in_admin=False)
def _second_line_for_one_theory():
    first = factories.NotificationFactory(kind="theory", comment=None)
    return factories.NotificationFactory.build(
        recipient=first.recipient, theory=first.theory, comment=None, kind="theory"
    )


@bad_value("guide_notification_fits_its_kind", "comment", in_admin=False)
def _comment_line_without_its_comment():
    first = factories.NotificationFactory()
    return factories.NotificationFactory.build(theory=first.theory, comment=None, kind="comment")


@bad_value("guide_notification_once_per_action", "action", in_admin=False)
def _second_line_for_one_decision():
    action = factories.ModerationActionFactory()
    first = factories.NotificationFactory(
        kind="verdict", theory=action.theory, comment=None, action=action
    )
    return factories.NotificationFactory.build(
        recipient=first.recipient, kind="verdict", theory=action.theory, comment=None, action=action
    )


@bad_value("guide_notification_once_per_season_news", "season", in_admin=False)
def _second_line_for_one_news():
    first = factories.NotificationFactory(
        kind="season", theory=None, comment=None, season=factories.SeasonFactory(), change="fact"
    )
    return factories.NotificationFactory.build(
        recipient=first.recipient,
        kind="season",
        theory=None,
        comment=None,
        season=first.season,
        change="fact",
        created_at=first.created_at,
    )


@bad_value("guide_showfollow_once_per_fan", "show", in_admin=False)
def _second_show_follow():
    first = factories.ShowFollowFactory()
    return factories.ShowFollowFactory.build(user=first.user, show=first.show)


@bad_value("guide_fanfollow_once_per_fan", "fan", in_admin=False)
def _second_fan_follow():
    first = factories.FanFollowFactory()
    return factories.FanFollowFactory.build(user=first.user, fan=first.fan)


@bad_value("guide_fanfollow_not_oneself", "fan", in_admin=False)
def _following_oneself():
    fan = factories.UserFactory()
    return factories.FanFollowFactory.build(user=fan, fan=fan)


@bad_value("guide_follow_once_per_fan", "theory", in_admin=False)
def _second_follow():
    first = factories.FollowFactory()
    return factories.FollowFactory.build(user=first.user, theory=first.theory)


@bad_value("guide_notification_once_per_comment", "comment", in_admin=False)
def _second_line_for_one_comment():
    first = factories.NotificationFactory()
    return factories.NotificationFactory.build(recipient=first.recipient, comment=first.comment)


@bad_value("guide_notification_kind_valid", "kind", in_admin=False)
def _unknown_kind():
    return factories.NotificationFactory.build(kind="gossip")


@bad_value("guide_revision_of_one_item", "theory", in_admin=False)
def _revision_of_nothing():
    return factories.RevisionFactory.build(theory=None, comment=None)


@bad_value("guide_watchprogress_one_per_show", "show", in_admin=False)
def _second_progress():
    taken = factories.WatchProgressFactory()
    return WatchProgress(user=taken.user, show=taken.show, seasons_watched=1)


@bad_value("guide_watchprogress_seasons_watched_bounded", "seasons_watched", in_admin=False)
def _too_many_seasons():
    return WatchProgress(
        user=factories.UserFactory(), show=factories.ShowFactory(), seasons_watched=100
    )


@bad_value("accounts_user_username", "username", in_admin=True)
def _username_taken():
    return User(username=factories.UserFactory().username, email="new@example.com")


@bad_value("accounts_user_username_ci", "username", in_admin=True)
def _username_taken_in_other_case():
    return User(username=factories.UserFactory(username="Nam-ra").username.upper())


@bad_value("accounts_user_email_ci", "email", in_admin=True)
def _email_taken_in_other_case():
    taken = factories.UserFactory(email="namra@example.com")
    return User(username="someone-else", email=taken.email.upper())


def _rules():
    """Every constraint and unique field on the guide's and accounts' models."""
    for app in ("guide", "accounts"):
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                yield pytest.param(model, constraint, id=constraint.name)
            for field in model._meta.fields:
                if field.unique and not field.primary_key:
                    yield pytest.param(model, field, id=f"{model._meta.db_table}_{field.name}")


def _rule_name(model, rule) -> str:
    if isinstance(rule, BaseConstraint):
        return rule.name
    return f"{model._meta.db_table}_{rule.name}"


def _is_raw(message: str) -> bool:
    """Django's own wording: the constraint's name, or "… with this … already exists"."""
    return "is violated" in message or bool(re.search(r"with this .+ already exists", message))


@pytest.mark.parametrize(("model", "rule"), list(_rules()))
def test_a_broken_rule_is_explained_next_to_its_field(model, rule):
    name = _rule_name(model, rule)
    assert name in BAD_VALUES, f"say above how to break {name}, and where its error goes"
    make, field, _in_admin = BAD_VALUES[name]
    row = make()
    check = row.validate_constraints if isinstance(rule, BaseConstraint) else row.validate_unique
    with pytest.raises(ValidationError) as caught:
        check()
    errors = caught.value.message_dict
    assert NON_FIELD_ERRORS not in errors
    assert errors.get(field), errors
    assert not any(_is_raw(message) for message in errors[field]), errors[field]
    if isinstance(rule, BaseConstraint):
        assert rule.violation_error_message != rule.default_violation_error_message
        assert str(rule.violation_error_message) in errors[field]


@pytest.mark.parametrize(
    "name", [name for name, (_make, _field, in_admin) in BAD_VALUES.items() if in_admin]
)
def test_the_admin_form_shows_it_next_to_the_field(name, superuser):
    make, field, _in_admin = BAD_VALUES[name]
    row = make()
    request = RequestFactory().post("/")
    request.user = superuser
    obj = row if row.pk else None
    form_class = admin.site._registry[type(row)].get_form(request, obj, change=obj is not None)
    names = [name for name in form_class.base_fields if name in _concrete(row)]
    form = form_class(_as_posted(model_to_dict(row, fields=names)), instance=obj)
    assert not form.is_valid()
    assert form.errors.get(field), form.errors
    assert NON_FIELD_ERRORS not in form.errors, form.errors
    assert not any(_is_raw(message) for message in form.errors[field])


def _concrete(row) -> set[str]:
    return {field.name for field in row._meta.concrete_fields}


def _as_posted(values: dict) -> dict:
    return {name: "" if value is None else value for name, value in values.items()}
