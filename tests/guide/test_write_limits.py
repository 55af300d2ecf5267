"""Every write a fan can repeat has a rate limit: edits, deletions and settings too.

Each answers 429 with the friendly page, and keeps whatever the fan typed."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import get_resolver, reverse

from guide.models import Comment, NotificationKind, SeasonStatus, Theory, WatchProgress
from tests.factories import (
    CommentFactory,
    NotificationFactory,
    PredictionFactory,
    SeasonFactory,
    TheoryFactory,
    TheoryImageFactory,
)
from tests.kit.admin_world import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_of_each(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "edit": (1, 600),
        "delete": (1, 600),
        "settings": (1, 600),
    }


@pytest.fixture
def season():
    # Season 1 is out, so a reader may say they watched it; theories predict season 2.
    first = SeasonFactory(
        number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    return SeasonFactory(show=first.show, number=2, status=SeasonStatus.ANNOUNCED)


def refused(response) -> str:
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 600
    page = response.content.decode()
    assert "Slow down" in page
    return page


def test_theory_edits_are_limited_and_the_text_is_kept(fan, fan_client, season):
    theory = TheoryFactory(author=fan, season=season, title="First title")
    url = reverse("guide:theory_edit", args=[theory.pk])
    data = {"title": "Second title", "body": "Edited once.", "spoiler_season": ""}
    assert fan_client.post(url, data).status_code == HTTPStatus.FOUND
    page = refused(fan_client.post(url, data | {"title": "Third title", "body": "Careful & long"}))
    assert "Third title" in page
    assert "Careful &amp; long" in page
    theory.refresh_from_db()
    assert (theory.title, theory.body) == ("Second title", "Edited once.")


def test_comment_edits_are_limited_and_the_text_is_kept(fan, fan_client):
    comment = CommentFactory(author=fan)
    url = reverse("guide:comment_edit", args=[comment.pk])
    assert fan_client.post(url, {"body": "Edited once."}).status_code == HTTPStatus.FOUND
    assert "Edited twice, kept" in refused(fan_client.post(url, {"body": "Edited twice, kept"}))
    comment.refresh_from_db()
    assert comment.body == "Edited once."


def test_theory_and_comment_edits_share_one_limit(fan, fan_client, season):
    theory = TheoryFactory(author=fan, season=season)
    comment = CommentFactory(author=fan)
    edit_theory = reverse("guide:theory_edit", args=[theory.pk])
    data = {"title": "A title", "body": "A body.", "spoiler_season": ""}
    assert fan_client.post(edit_theory, data).status_code == HTTPStatus.FOUND
    refused(fan_client.post(reverse("guide:comment_edit", args=[comment.pk]), {"body": "x"}))


def test_deletions_are_limited(fan, fan_client, season):
    first, second = CommentFactory(author=fan), CommentFactory(author=fan)
    theory = TheoryFactory(author=fan, season=season)
    delete = reverse("guide:comment_delete", args=[first.pk])
    assert fan_client.post(delete).status_code == HTTPStatus.FOUND
    refused(fan_client.post(reverse("guide:comment_delete", args=[second.pk])))
    refused(fan_client.post(reverse("guide:theory_delete", args=[theory.pk])))
    assert Comment.objects.filter(pk=second.pk).exists()
    assert Theory.objects.filter(pk=theory.pk).exists()


def test_a_refused_form_is_never_counted(fan, fan_client):
    """Only writes that would happen count: a form with errors costs nothing."""
    comment = CommentFactory(author=fan)
    url = reverse("guide:comment_edit", args=[comment.pk])
    assert fan_client.post(url, {"body": ""}).status_code == HTTPStatus.BAD_REQUEST
    assert fan_client.post(url, {"body": "Now with words"}).status_code == HTTPStatus.FOUND


def test_watch_progress_of_a_signed_in_fan_is_limited(fan, fan_client, season):
    url = reverse("guide:set_progress")
    data = {"show": season.show_id, "seasons_watched": 1}
    assert fan_client.post(url, data).status_code == HTTPStatus.FOUND
    refused(fan_client.post(url, data | {"seasons_watched": 0}))
    assert WatchProgress.objects.get(user=fan).seasons_watched == 1


def test_a_visitors_cookie_settings_are_not_limited(client, season):
    for watched in (0, 1, 0):
        response = client.post(
            reverse("guide:set_progress"), {"show": season.show_id, "seasons_watched": watched}
        )
        assert response.status_code == HTTPStatus.FOUND
    for theme in ("dark", "light"):
        assert client.post(reverse("guide:theme"), {"theme": theme}).status_code == 302


def test_theme_changes_of_a_signed_in_fan_are_limited(fan_client):
    assert fan_client.post(reverse("guide:theme"), {"theme": "dark"}).status_code == 302
    refused(fan_client.post(reverse("guide:theme"), {"theme": "light"}))


def test_profile_settings_are_limited_and_the_text_is_kept(fan, fan_client):
    url = reverse("accounts:settings")
    data = {"display_name": "Survivor", "bio": "", "email": "fan@example.org"}
    assert fan_client.post(url, data).status_code == HTTPStatus.FOUND
    page = refused(fan_client.post(url, data | {"display_name": "Renamed", "bio": "My bio"}))
    assert "Renamed" in page
    assert "My bio" in page
    fan.refresh_from_db()
    assert fan.display_name == "Survivor"


# Every route is either read-only, limited, or limited elsewhere, and says which -----------

READ_ONLY = {
    "favicon", "healthz", "readyz", "robots", "sitemap", "sitemap_section",
    "guide:home", "guide:show_list", "guide:show", "guide:season", "guide:character",
    "guide:theory_list", "guide:theory", "guide:theory_short", "guide:leaderboard",
    "guide:moderation_log", "guide:question_list", "guide:prediction_card",
    "guide:season_card", "guide:character_card", "guide:theory_card",
    "guide:theory_history", "guide:comment", "guide:comment_history",
    "guide:prediction_history",
    "guide:inbox", "guide:saved", "guide:following", "guide:fan_names", "guide:search",
    "guide:feed_theories",
    "guide:feed_show_theories", "guide:feed_season_theories", "guide:feed_season_facts",
    "guide:show_calendar",
    "accounts:profile", "accounts:password_change_done", "accounts:password_reset_done",
    "accounts:password_reset_complete", "accounts:download_export",
    # The read API: GET only, any other method a 405 (tests/api/test_api_http.py).
    "api:api-root", "api:openapi-json", "api:openapi-view", "api:shows", "api:show",
    "api:season", "api:facts", "api:fact", "api:people", "api:person", "api:characters",
    "api:character", "api:theories", "api:show_theories", "api:theory", "api:fan",
}  # fmt: skip
# Writes that cost no database row, or are limited by other means.
LIMITED_ELSEWHERE = {
    "accounts:login": "django-axes locks a username and address after failures",
    "accounts:logout": "ends the fan's own session",
    "accounts:signup": "makes a new account, which has its own limits",
    "accounts:password_change": "asks for the current password",
    "accounts:password_reset": "accounts' own throttling",
    "accounts:password_reset_confirm": "needs the emailed token",
    "accounts:delete": "once per account",
    "accounts:change_email": "limited per fan and per address mailed, in accounts",
    "accounts:confirm_email": "needs the mailed token",
    "set_language": "switches always; keeps a fan's choice for mail within the settings limit",
    "guide:unsubscribe": "per client address, with the mailed token (tests/guide/test_mail.py)",
}


def write_routes(
    season, theory, comment, other_theory, other_comment, line, prediction, claim, picture
):
    """Each fan-facing write: (route, its arguments, valid form data, its limit)."""
    text = {"title": "A title", "body": "A body.", "spoiler_season": ""}
    return {
        "guide:theory_images": (
            [theory.pk],
            {"image": image_upload(), "alt": "A panel of the webtoon"},
            "image",
        ),
        "guide:theory_image_delete": ([theory.pk, picture.pk], {}, "delete"),
        "guide:theory_create": ([], {**text, "season": season.pk}, "theory"),
        "guide:theory_edit": ([theory.pk], text, "edit"),
        "guide:theory_delete": ([theory.pk], {}, "delete"),
        "guide:vote": ([other_theory.pk], {"value": 1}, "vote"),
        "guide:comment_create": ([other_theory.pk], {"body": "Hello"}, "comment"),
        "guide:comment_reply": ([other_comment.pk], {"body": "Hello to you"}, "comment"),
        "guide:comment_edit": ([comment.pk], {"body": "Hello again"}, "edit"),
        "guide:comment_delete": ([comment.pk], {}, "delete"),
        "guide:report_theory": ([other_theory.pk], {"reason": "spam"}, "report"),
        "guide:report_comment": ([other_comment.pk], {"reason": "spam"}, "report"),
        "guide:follow": ([other_theory.pk], {"follow": "1"}, "follow"),
        "guide:follow_season": ([season.show.slug, season.number], {"follow": "1"}, "follow"),
        "guide:follow_show": ([season.show.slug], {"follow": "1"}, "follow"),
        "guide:follow_fan": ([other_theory.author.username], {"follow": "1"}, "follow"),
        "guide:save_theory": ([other_theory.pk], {"save": "1"}, "follow"),
        "guide:save_comment": ([other_comment.pk], {"save": "1"}, "follow"),
        "guide:comment_vote": ([other_comment.pk], {"value": 1}, "vote"),
        "guide:inbox_read": ([], {}, "inbox"),
        "guide:inbox_open": ([line.pk], {}, "inbox"),
        "guide:set_progress": ([], {"show": season.show_id, "seasons_watched": 1}, "settings"),
        "guide:theme": ([], {"theme": "dark"}, "settings"),
        "guide:mail_settings": (
            [],
            dict.fromkeys(NotificationKind.values, "off"),
            "settings",
        ),
        "accounts:settings": (
            [],
            {"display_name": "Fan", "bio": "", "email": "fan@example.org"},
            "settings",
        ),
        "accounts:export": ([], {}, "export"),
        "guide:prediction": ([prediction.pk], {"percent": 40}, "forecast"),
        "guide:prediction_create": (
            [theory.pk],
            {"claim": "She returns", "criteria": "On screen", "percent": 30},
            "prediction",
        ),
        "guide:prediction_edit": (
            [claim.pk],
            {"claim": "She returns for good", "criteria": "On screen"},
            "edit",
        ),
    }


@pytest.fixture
def writes(fan, season):
    theory = TheoryFactory(author=fan, season=season)
    other_theory = TheoryFactory(season=season)
    return write_routes(
        season,
        theory,
        CommentFactory(author=fan, theory=other_theory),
        other_theory,
        CommentFactory(theory=other_theory),
        NotificationFactory(recipient=fan),
        PredictionFactory(season=season),
        PredictionFactory(season=season, theory=theory, author=fan),
        TheoryImageFactory(theory=theory),
    )


def route_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if hasattr(pattern, "url_patterns"):
            if pattern.app_name != "admin":
                yield from route_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_is_read_only_or_has_a_rate_limit(writes, settings):
    """A new route fails here until it says which it is."""
    routes = set(route_names())
    assert routes == READ_ONLY | set(writes) | set(LIMITED_ELSEWHERE)
    assert {action for *_, action in writes.values()} <= set(settings.RATE_LIMITS)


def test_every_limited_write_answers_429_at_its_limit(fan_client, writes, settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (0, 600))
    for name, (args, data, _action) in writes.items():
        response = fan_client.post(reverse(name, args=args), data)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS, name
