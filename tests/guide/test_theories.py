"""Theories, votes, comments and reports: permissions, forms, limits and injection."""

import datetime
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Comment, Report, SeasonStatus, Theory, Vote
from tests.factories import (
    CharacterFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
)

pytestmark = pytest.mark.django_db

EVIL_NEXTS = ["https://evil.example/", "//evil.example", "/\\evil.example", "http://evil.example"]
PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
]


@pytest.fixture
def show(db):
    return ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")


@pytest.fixture
def season(show):
    return SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)


@pytest.fixture
def released(show):
    return SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )


@pytest.fixture
def character(show):
    return CharacterFactory(show=show, name="Nam On-jo", slug="nam-on-jo")


@pytest.fixture
def theory(fan, season):
    return services.post_theory(
        author=fan, season=season, title="On-jo returns", body="She *lives*."
    )


@pytest.fixture
def comment(theory, fan):
    return services.post_comment(author=fan, theory=theory, body="My own comment.")


@pytest.fixture
def other_client(other_fan):
    client = Client()
    client.force_login(other_fan)
    return client


def body_of(response) -> str:
    return response.content.decode()


class Page(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data

    def field(self, name):
        for tag, attrs in self.tags:
            if attrs.get("name") == name and tag in ("input", "textarea", "select"):
                return tag, attrs
        raise AssertionError(f"no field named {name!r}")


def assert_no_injection(response):
    assert response.status_code < 500
    page = Page(body_of(response))
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), (tag, attrs)
        if tag == "script" and attrs.get("type") != "application/ld+json":
            # Executable scripts: only our own, loaded from static files.
            assert attrs.get("src", "").startswith("/static/"), attrs
    # Inline data blocks (JSON-LD) must not be broken out of: no "</" inside.
    assert all("</" not in script for script in page.scripts)
    assert "<script>alert" not in body_of(response)


def assert_field_error(response, field, text=None):
    assert response.status_code == HTTPStatus.BAD_REQUEST
    tag, attrs = Page(body_of(response)).field(field)
    assert attrs.get("aria-invalid") == "true", (field, attrs)
    if text is not None:
        assert text in body_of(response)


def textarea_value(response, name) -> str:
    body = body_of(response)
    start = body.index(f'name="{name}"')
    start = body.index(">", start) + 1
    return body[start : body.index("</textarea>", start)]


def theory_data(season, **overrides):
    data = {"season": season.pk, "title": "A fine theory", "body": "It will happen."}
    data.update(overrides)
    return data


# Anonymous visitors are sent to log in --------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "needs"),
    [
        ("guide:theory_create", None),
        ("guide:theory_edit", "theory"),
        ("guide:theory_delete", "theory"),
        ("guide:vote", "theory"),
        ("guide:comment_create", "theory"),
        ("guide:report_theory", "theory"),
        ("guide:comment_edit", "comment"),
        ("guide:comment_delete", "comment"),
        ("guide:report_comment", "comment"),
    ],
)
def test_anonymous_is_sent_to_login(client, theory, comment, method, name, needs):
    args = [] if needs is None else [{"theory": theory, "comment": comment}[needs].pk]
    url = reverse(name, args=args)
    response = getattr(client, method)(url, {"value": 1, "title": "x", "body": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert Theory.objects.count() == 1
    assert Comment.objects.count() == 1
    assert Vote.objects.count() == 0
    assert Report.objects.count() == 0


# Fans and their own theories -------------------------------------------------------------


def test_fan_creates_theory(fan_client, fan, season, character):
    form = fan_client.get(reverse("guide:theory_create") + f"?season={season.pk}")
    assert form.status_code == HTTPStatus.OK
    response = fan_client.post(
        reverse("guide:theory_create"),
        theory_data(season, characters=[character.pk], spoiler_season="1"),
    )
    theory = Theory.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == theory.get_absolute_url()
    assert theory.author == fan
    assert theory.spoiler_season == 1
    assert list(theory.characters.all()) == [character]
    assert theory.edited_at is None
    page = fan_client.get(theory.get_absolute_url())
    assert "Your theory is posted." in body_of(page)
    assert "last edited" not in body_of(page)


def test_fan_edits_own_theory_and_page_says_last_edited(fan_client, theory, season):
    assert fan_client.get(reverse("guide:theory_edit", args=[theory.pk])).status_code == 200
    response = fan_client.post(
        reverse("guide:theory_edit", args=[theory.pk]),
        theory_data(season, title="On-jo returns, changed"),
    )
    theory.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert theory.title == "On-jo returns, changed"
    assert theory.slug == "on-jo-returns-changed"
    assert theory.edited_at is not None
    page = fan_client.get(theory.get_absolute_url())
    assert "last edited" in body_of(page)


def test_fan_deletes_own_theory(fan_client, theory):
    confirm = fan_client.get(reverse("guide:theory_delete", args=[theory.pk]))
    assert confirm.status_code == HTTPStatus.OK
    assert Theory.objects.filter(pk=theory.pk).exists()
    response = fan_client.post(reverse("guide:theory_delete", args=[theory.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Theory.objects.filter(pk=theory.pk).exists()


def test_fan_comments_edits_and_deletes_own_comment(fan_client, theory):
    response = fan_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": "First!"}
    )
    comment = Comment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == comment.get_absolute_url()
    response = fan_client.post(reverse("guide:comment_edit", args=[comment.pk]), {"body": "Fixed"})
    comment.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert comment.body == "Fixed"
    assert comment.edited_at is not None
    response = fan_client.post(reverse("guide:comment_delete", args=[comment.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Comment.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("guide:theory_edit", "theory"),
        ("guide:theory_delete", "theory"),
        ("guide:comment_edit", "comment"),
        ("guide:comment_delete", "comment"),
    ],
)
def test_someone_elses_theory_or_comment_is_404(
    other_client, theory, comment, season, method, name, target
):
    item = {"theory": theory, "comment": comment}[target]
    response = getattr(other_client, method)(
        reverse(name, args=[item.pk]), theory_data(season, title="Taken over", body="Mine now")
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    theory.refresh_from_db()
    comment.refresh_from_db()
    assert theory.title == "On-jo returns"
    assert comment.body == "My own comment."


# Hidden theories ---------------------------------------------------------------------------


@pytest.fixture
def hidden(theory, moderator):
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="Spam")
    return theory


def _listed(client, theory) -> bool:
    body = body_of(client.get(reverse("guide:theory_list")))
    return f'id="theory-{theory.pk}"' in body


def test_hidden_theory_invisible_to_fans_and_visitors(client, other_client, hidden):
    for who in (client, other_client):
        assert who.get(hidden.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        assert not _listed(who, hidden)
        assert hidden.title not in body_of(who.get(reverse("guide:home")))
    vote = other_client.post(reverse("guide:vote", args=[hidden.pk]), {"value": 1})
    assert vote.status_code == HTTPStatus.NOT_FOUND
    assert not Vote.objects.exists()


def test_hidden_theory_visible_to_author_and_moderators(
    fan_client, moderator_client, superuser_client, hidden
):
    for who in (fan_client, moderator_client, superuser_client):
        response = who.get(hidden.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert "Hidden by a moderator" in body_of(response)
        assert _listed(who, hidden)


# Votes --------------------------------------------------------------------------------------


def _assert_counts_match_rows(theory):
    theory.refresh_from_db()
    up = Vote.objects.filter(theory=theory, value=1).count()
    down = Vote.objects.filter(theory=theory, value=-1).count()
    assert (theory.upvotes, theory.downvotes, theory.score) == (up, down, up - down)
    return theory


def test_vote_up_down_clear_and_repeat(other_client, other_fan, theory):
    url = reverse("guide:vote", args=[theory.pk])
    expected = {1: (1, 0, 1), -1: (0, 1, -1), 0: (0, 0, 0)}
    for value in (1, 1, -1, -1, 0, 0, 1):
        response = other_client.post(url, {"value": value})
        assert response.status_code == HTTPStatus.FOUND
        counted = _assert_counts_match_rows(theory)
        assert (counted.upvotes, counted.downvotes, counted.score) == expected[value]
        assert Vote.objects.filter(user=other_fan).count() == (0 if value == 0 else 1)


def test_votes_of_several_fans_add_up(theory, superuser, other_fan, moderator):
    services.cast_vote(user=superuser, theory=theory, value=1)
    services.cast_vote(user=other_fan, theory=theory, value=1)
    services.cast_vote(user=moderator, theory=theory, value=-1)
    counted = _assert_counts_match_rows(theory)
    assert (counted.upvotes, counted.downvotes, counted.score) == (2, 1, 1)
    services.cast_vote(user=other_fan, theory=theory, value=0)
    counted = _assert_counts_match_rows(theory)
    assert (counted.upvotes, counted.downvotes, counted.score) == (1, 1, 0)


def test_vote_json(other_client, theory):
    url = reverse("guide:vote", args=[theory.pk])
    headers = {"Accept": "application/json"}
    response = other_client.post(url, {"value": "1"}, headers=headers)
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"score": 1, "upvotes": 1, "downvotes": 0, "my_vote": 1}
    response = other_client.post(url, {"value": "-1"}, headers=headers)
    assert response.json() == {"score": -1, "upvotes": 0, "downvotes": 1, "my_vote": -1}
    response = other_client.post(url, {"value": "0"}, headers=headers)
    assert response.json() == {"score": 0, "upvotes": 0, "downvotes": 0, "my_vote": 0}


def test_vote_shows_on_page(other_client, theory):
    other_client.post(reverse("guide:vote", args=[theory.pk]), {"value": 1})
    body = body_of(other_client.get(theory.get_absolute_url()))
    assert "1 up, 0 down" in body
    assert 'class="vote-up" aria-pressed="true"' in body


def test_vote_redirects_to_safe_next(other_client, theory):
    target = reverse("guide:theory_list") + "?sort=top"
    response = other_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": 1, "next": target}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == target


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_vote_ignores_offsite_next(other_client, theory, evil):
    response = other_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": 1, "next": evil}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == theory.get_absolute_url()


def test_vote_get_casts_nothing_and_goes_to_the_theory(other_client, theory):
    response = other_client.get(reverse("guide:vote", args=[theory.pk]), {"value": 1})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(theory.get_absolute_url() + "?vote=up")
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", ["2", "-2", "up", "", "1.0", "1e3", "\x00"])
def test_invalid_vote_is_400(other_client, theory, value):
    response = other_client.post(reverse("guide:vote", args=[theory.pk]), {"value": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Vote.objects.exists()
    _assert_counts_match_rows(theory)


def test_vote_on_unknown_theory_is_404(other_client):
    response = other_client.post(reverse("guide:vote", args=[999999]), {"value": 1})
    assert response.status_code == HTTPStatus.NOT_FOUND


# Forms: errors next to fields, nothing typed lost ----------------------------------------


def test_empty_title_keeps_body(fan_client, season):
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, title="", body="My long reasoning")
    )
    assert_field_error(response, "title", "This field is required.")
    assert textarea_value(response, "body").strip() == "My long reasoning"
    assert not Theory.objects.exists()


def test_title_too_long(fan_client, season):
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, title="x" * 141, body="Kept body")
    )
    assert_field_error(response, "title", "at most 140 characters")
    assert "Kept body" in textarea_value(response, "body")
    assert not Theory.objects.exists()


def test_character_of_another_show_rejected(fan_client, season):
    stranger = CharacterFactory(show=ShowFactory(title="Other Show"), name="Stranger")
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, characters=[stranger.pk])
    )
    assert_field_error(response, "characters", "Pick characters from All Of Us Are Dead only.")
    assert not Theory.objects.exists()


def test_released_season_rejected_for_new_theory(fan_client, released):
    response = fan_client.post(reverse("guide:theory_create"), theory_data(released))
    assert_field_error(response, "season", "Select a valid choice")
    assert not Theory.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m"])
@pytest.mark.parametrize("field", ["title", "body"])
def test_control_characters_rejected_in_theory(fan_client, season, field, bad):
    data = theory_data(season, **{field: f"Hello {bad} there"})
    response = fan_client.post(reverse("guide:theory_create"), data)
    assert_field_error(response, field)
    assert not Theory.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07"])
def test_control_characters_rejected_in_comment(other_client, theory, bad):
    response = other_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": f"Hi {bad}"}
    )
    assert_field_error(response, "body")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07"])
def test_control_characters_rejected_in_report(other_client, theory, bad):
    response = other_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam", "note": f"x{bad}"}
    )
    assert_field_error(response, "note")
    assert not Report.objects.exists()


def test_empty_comment_shows_error_on_theory_page(other_client, theory):
    response = other_client.post(reverse("guide:comment_create", args=[theory.pk]), {"body": ""})
    assert_field_error(response, "body", "This field is required.")
    assert "On-jo returns" in body_of(response)


def test_comment_edit_error_keeps_text(fan_client, comment):
    response = fan_client.post(
        reverse("guide:comment_edit", args=[comment.pk]), {"body": "New text \x07"}
    )
    assert_field_error(response, "body")
    assert "New text" in textarea_value(response, "body")
    comment.refresh_from_db()
    assert comment.body == "My own comment."


def test_report_with_unknown_reason_is_field_error(other_client, theory):
    response = other_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "bogus", "note": "Kept note"}
    )
    assert_field_error(response, "reason")
    assert "Kept note" in textarea_value(response, "note")


# Frozen theories --------------------------------------------------------------------------


@pytest.fixture
def frozen(fan, released):
    return TheoryFactory(author=fan, season=released, title="Frozen claim")


def test_frozen_theory_cannot_be_edited(fan_client, frozen, released):
    response = fan_client.get(reverse("guide:theory_edit", args=[frozen.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == frozen.get_absolute_url()
    page = fan_client.get(response["Location"])
    assert "its text is now frozen" in body_of(page)
    response = fan_client.post(
        reverse("guide:theory_edit", args=[frozen.pk]), theory_data(released, title="Rewritten")
    )
    assert response.status_code == HTTPStatus.FOUND
    frozen.refresh_from_db()
    assert frozen.title == "Frozen claim"
    assert frozen.edited_at is None


def test_frozen_theory_stays_on_the_record(fan_client, frozen):
    # Deleting a prediction that missed would polish its author's record.
    response = fan_client.post(reverse("guide:theory_delete", args=[frozen.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == frozen.get_absolute_url()
    assert Theory.objects.filter(pk=frozen.pk).exists()
    page = fan_client.get(frozen.get_absolute_url()).text
    assert reverse("guide:theory_delete", args=[frozen.pk]) not in page


def test_edit_and_delete_services_refuse_frozen(frozen):
    with pytest.raises(services.FrozenError):
        services.edit_theory(theory=frozen, title="x", body="y")
    with pytest.raises(services.FrozenError):
        services.delete_theory(theory=frozen)


# Rate limits -------------------------------------------------------------------------------


def test_theory_rate_limit(fan_client, season, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (2, 3600)}
    url = reverse("guide:theory_create")
    for n in range(2):
        response = fan_client.post(url, theory_data(season, title=f"Theory {n}"))
        assert response.status_code == HTTPStatus.FOUND
    response = fan_client.post(
        url, theory_data(season, title="The third one", body="My careful & long reasoning")
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 3600
    body = body_of(response)
    assert "The third one" in body
    assert "My careful &amp; long reasoning" in body
    assert Theory.objects.count() == 2


def test_comment_rate_limit(other_client, theory, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (2, 600)}
    url = reverse("guide:comment_create", args=[theory.pk])
    for n in range(2):
        assert other_client.post(url, {"body": f"Comment {n}"}).status_code == HTTPStatus.FOUND
    response = other_client.post(url, {"body": "Third comment kept"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert "Third comment kept" in body_of(response)
    assert Comment.objects.count() == 2


def test_vote_rate_limit(other_client, theory, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (2, 60)}
    url = reverse("guide:vote", args=[theory.pk])
    headers = {"Accept": "application/json"}
    assert other_client.post(url, {"value": 1}, headers=headers).status_code == 200
    assert other_client.post(url, {"value": -1}, headers=headers).status_code == 200
    response = other_client.post(url, {"value": 0}, headers=headers)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()
    assert int(response["Retry-After"]) > 0
    # The refused vote changed nothing.
    counted = _assert_counts_match_rows(theory)
    assert counted.downvotes == 1
    plain = other_client.post(url, {"value": 0})
    assert plain.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Slow down" in body_of(plain)


def test_report_rate_limit(other_client, fan, season, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (1, 3600)}
    first, second = (
        TheoryFactory(author=fan, season=season),
        TheoryFactory(author=fan, season=season),
    )
    ok = other_client.post(reverse("guide:report_theory", args=[first.pk]), {"reason": "spam"})
    assert ok.status_code == HTTPStatus.FOUND
    response = other_client.post(
        reverse("guide:report_theory", args=[second.pk]), {"reason": "spam", "note": "Kept note"}
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Kept note" in body_of(response)
    assert Report.objects.count() == 1


def test_rate_limit_is_per_fan(fan_client, other_client, season, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (1, 3600)}
    url = reverse("guide:theory_create")
    assert fan_client.post(url, theory_data(season, title="A")).status_code == 302
    assert other_client.post(url, theory_data(season, title="B")).status_code == 302


# Reports ------------------------------------------------------------------------------------


def test_report_theory_and_comment(other_client, other_fan, theory, comment):
    form = other_client.get(reverse("guide:report_theory", args=[theory.pk]))
    assert form.status_code == HTTPStatus.OK
    response = other_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam", "note": "Ads"}
    )
    assert response.status_code == HTTPStatus.FOUND
    response = other_client.post(
        reverse("guide:report_comment", args=[comment.pk]), {"reason": "abuse"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.filter(reporter=other_fan, theory=theory, note="Ads").exists()
    assert Report.objects.filter(reporter=other_fan, comment=comment, reason="abuse").exists()


def test_second_open_report_is_friendly(other_client, theory, comment):
    # Reporting again changes the fan's open report (tests/guide/test_report_changes.py).
    for url in (
        reverse("guide:report_theory", args=[theory.pk]),
        reverse("guide:report_comment", args=[comment.pk]),
    ):
        other_client.post(url, {"reason": "spam"})
        response = other_client.post(url, {"reason": "abuse"}, follow=True)
        assert response.status_code == HTTPStatus.OK
        assert "Your report is updated." in body_of(response)
    assert Report.objects.count() == 2
    assert set(Report.objects.values_list("reason", flat=True)) == {"abuse"}


def test_cannot_report_own_items(fan_client, theory, comment):
    for url in (
        reverse("guide:report_theory", args=[theory.pk]),
        reverse("guide:report_comment", args=[comment.pk]),
    ):
        assert fan_client.get(url).status_code == HTTPStatus.FORBIDDEN
        assert fan_client.post(url, {"reason": "spam"}).status_code == HTTPStatus.FORBIDDEN
    assert not Report.objects.exists()


# Script injection -----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_theory_title_and_body(fan_client, client, fan, season, payload):
    response = fan_client.post(
        reverse("guide:theory_create"),
        theory_data(season, title=f"T {payload}"[:140], body=f"B {payload}"),
    )
    assert response.status_code == HTTPStatus.FOUND, body_of(response)[:2000]
    theory = Theory.objects.get()
    for viewer in (fan_client, client):
        for url in (
            theory.get_absolute_url(),
            reverse("guide:theory_list"),
            reverse("guide:home"),
            fan.get_absolute_url(),
            reverse("guide:search") + "?q=T",
        ):
            assert_no_injection(viewer.get(url))
    # The text itself survives, escaped.
    assert "alert" in body_of(client.get(theory.get_absolute_url()))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_comment(other_client, client, theory, payload):
    response = other_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": payload}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert_no_injection(client.get(theory.get_absolute_url()))
    assert_no_injection(other_client.get(theory.get_absolute_url()))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_report_note(other_client, theory, payload):
    # An invalid reason re-renders the form with the note: it must come back inert.
    response = other_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "bogus", "note": payload}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_no_injection(response)
    response = other_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam", "note": payload}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.get().note == payload
    assert_no_injection(other_client.get(theory.get_absolute_url()))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_form_errors(fan_client, season, payload):
    # Re-rendered forms must escape what was typed, too.
    response = fan_client.post(
        reverse("guide:theory_create"), theory_data(season, title="", body=payload)
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_no_injection(response)


def test_markdown_link_keeps_safe_links(fan_client, season):
    fan_client.post(
        reverse("guide:theory_create"),
        theory_data(season, body="[ok](https://example.com/) and [x](javascript:alert(1))"),
    )
    page = Page(body_of(fan_client.get(Theory.objects.get().get_absolute_url())))
    hrefs = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
    assert "https://example.com/" in hrefs
    assert not any(href.lower().startswith("javascript") for href in hrefs if href)
