"""No dead ends: whoever is sent to log in, reloads a page, or switches language or theme
on a page shown at an action's address lands on a page, never on a bare 405, and nothing
they chose or typed is lost on the way."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services as account_services
from accounts.models import DataExport
from guide import mailing, services
from guide.models import Comment, SeasonStatus, Vote
from tests.factories import (
    PASSWORD,
    CharacterFactory,
    NotificationFactory,
    PredictionFactory,
    SeasonFactory,
    ShowFactory,
    TheoryImageFactory,
)

pytestmark = pytest.mark.django_db

# The admin has its own log-in page and is the editors' and moderators' desk, not the fans'.
# The read API is for programs: GET only, no log-in, its 405s problems (tests/api).
OUTSIDE_THE_AUDIT = {"admin", "api"}

# Routes that change something on POST only: the audit must find each of them.
ACTION_ROUTES = {
    "guide:vote",
    "guide:follow",
    "guide:follow_season",
    "guide:save_theory",
    "guide:save_comment",
    "guide:comment_vote",
    "guide:inbox_read",
    "guide:inbox_open",
    "guide:comment_create",
    "guide:theory_image_delete",
    "guide:set_progress",
    "guide:theme",
    "accounts:logout",
    "accounts:export",
    "set_language",
}


def routes(resolver=None, prefix=""):
    """(name, pattern) for every named URL of the site outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in OUTSIDE_THE_AUDIT:
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from routes(entry, namespace)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry


@pytest.fixture
def world(fan, other_fan):
    show = ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")
    season = SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    theirs = services.post_theory(
        author=other_fan, season=season, title="Nam-ra keeps the hunger", body="She *holds*."
    )
    mine = services.post_theory(author=fan, season=season, title="On-jo returns", body="Yes.")
    return {
        "show": show,
        "season": season,
        "character": CharacterFactory(show=show, name="Choi Nam-ra", slug="choi-nam-ra"),
        "theirs": theirs,
        "mine": mine,
        "their_comment": services.post_comment(author=other_fan, theory=theirs, body="Agreed."),
        "my_comment": services.post_comment(author=fan, theory=theirs, body="Mine."),
        "other_fan": other_fan,
        "fan": fan,
        "line": NotificationFactory(recipient=fan),
        "my_claim": services.state_prediction(
            user=fan, theory=mine, claim="On-jo returns", criteria="On screen", percent=60
        ),
        "question": PredictionFactory(season=season),
        "export": _ready_export(fan),
        "my_picture": TheoryImageFactory(theory=mine),
    }


def _ready_export(fan) -> DataExport:
    waiting = DataExport.objects.create(user=fan)
    account_services.prepare_export(export_id=waiting.pk)
    return waiting


def url_of(name: str, world) -> str:
    """A real address for each route: the fan's own items where only an author may go,
    another fan's where only others may go (votes, reports)."""
    show, season, theirs = world["show"], world["season"], world["theirs"]
    fan = world["fan"]
    args = {
        "guide:show": [show.slug],
        "guide:season": [show.slug, season.number],
        "guide:character": [show.slug, world["character"].slug],
        "guide:season_card": [show.slug, season.number],
        "guide:character_card": [show.slug, world["character"].slug],
        "guide:theory_card": [theirs.pk],
        "guide:theory_short": [theirs.pk],
        "guide:theory": [theirs.pk, theirs.slug],
        "guide:theory_edit": [world["mine"].pk],
        "guide:theory_delete": [world["mine"].pk],
        "guide:theory_images": [world["mine"].pk],
        "guide:theory_image_delete": [world["mine"].pk, world["my_picture"].pk],
        "guide:vote": [theirs.pk],
        "guide:comment_create": [theirs.pk],
        "guide:report_theory": [theirs.pk],
        "guide:comment": [world["their_comment"].pk],
        "guide:follow": [theirs.pk],
        "guide:follow_season": [show.slug, season.number],
        "guide:follow_show": [show.slug],
        "guide:follow_fan": [world["other_fan"].username],
        "guide:save_theory": [theirs.pk],
        "guide:save_comment": [world["their_comment"].pk],
        "guide:comment_vote": [world["their_comment"].pk],
        "guide:inbox_open": [world["line"].pk],
        "guide:comment_reply": [world["their_comment"].pk],
        "guide:comment_edit": [world["my_comment"].pk],
        "guide:comment_delete": [world["my_comment"].pk],
        "guide:report_comment": [world["their_comment"].pk],
        "guide:theory_history": [theirs.pk],
        "guide:prediction": [world["question"].pk],
        "guide:prediction_card": [world["question"].pk],
        "guide:prediction_create": [world["mine"].pk],
        "guide:prediction_edit": [world["my_claim"].pk],
        "guide:prediction_history": [world["question"].pk],
        "guide:comment_history": [world["their_comment"].pk],
        "guide:feed_show_theories": [show.slug],
        "guide:feed_season_theories": [show.slug, season.number],
        "guide:feed_season_facts": [show.slug, season.number],
        "guide:show_calendar": [show.slug],
        "accounts:profile": [world["other_fan"].username],
        "accounts:download_export": [world["export"].pk],
        "sitemap_section": ["theories"],
        "guide:unsubscribe": [mailing.unsubscribe_token(fan.pk, "reply")],
        # A link that no longer works still answers a page, never a 405.
        "accounts:confirm_email": ["expired-or-forged"],
        "accounts:password_reset_confirm": [
            urlsafe_base64_encode(force_bytes(fan.pk)),
            default_token_generator.make_token(fan),
        ],
    }.get(name, [])
    return reverse(name, args=args)


def login_target(response) -> str | None:
    """Where a log-in page would send the fan afterwards, if this response asks to log in."""
    if response.status_code != HTTPStatus.FOUND:
        return None
    location = urlsplit(response["Location"])
    if location.path != reverse("accounts:login"):
        return None
    return parse_qs(location.query)["next"][0]


def log_in_and_follow(next_url: str):
    """Log in through the form, as a fan does, and follow wherever it leads."""
    client = Client()
    return client.post(
        reverse("accounts:login"),
        {"username": "fan", "password": PASSWORD, "next": next_url},
        follow=True,
    )


def test_the_audit_covers_every_route_and_finds_the_post_only_ones(world):
    names = {name for name, _pattern in routes()}
    assert names >= ACTION_ROUTES
    for name in names:
        assert url_of(name, world).startswith("/"), name


def test_no_url_answers_a_signed_in_visit_with_405(fan_client, world):
    refused = {}
    for name, _pattern in routes():
        url = url_of(name, world)
        response = fan_client.get(url)
        if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED or response.status_code >= 500:
            refused[name] = (url, response.status_code)
    assert refused == {}, "a GET (a reload, a `next`, a language switch) must not dead-end"


def test_after_logging_in_the_fan_never_lands_on_a_405(client, world):
    """Every route a visitor can be sent to log in from, by GET or by POST: afterwards the
    fan lands on a page (200), whatever the `next` was."""
    detours, dead_ends = {}, {}
    for name, _pattern in routes():
        url = url_of(name, world)
        for method in ("get", "post"):
            target = login_target(getattr(client, method)(url, {"value": "1"}))
            if target is not None:
                detours[f"{method.upper()} {name}"] = target
    assert {"POST guide:vote", "POST guide:comment_create", "POST guide:report_theory"} <= set(
        detours
    )
    for where, target in detours.items():
        landed = log_in_and_follow(target)
        if landed.status_code != HTTPStatus.OK:
            dead_ends[where] = (target, landed.status_code)
    assert dead_ends == {}
    assert not Vote.objects.exists(), "a GET after logging in never casts a vote"


# Voting while logged out ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "chosen"), [("1", "up"), ("-1", "down")])
def test_vote_while_logged_out_comes_back_asking_to_cast_it(client, world, value, chosen):
    theory = world["theirs"]
    response = client.post(reverse("guide:vote", args=[theory.pk]), {"value": value})
    target = login_target(response)
    assert target == f"{theory.get_absolute_url()}?vote={chosen}#cast-vote"

    landed = log_in_and_follow(target)
    assert landed.status_code == HTTPStatus.OK
    assert landed.redirect_chain[-1][0] == target
    page = landed.content.decode()
    assert 'id="cast-vote"' in page
    assert "Cast your vote" in page
    suggested = "1" if chosen == "up" else "-1"
    assert f'name="value" value="{suggested}" class="suggested"' in page
    assert not Vote.objects.exists(), "nothing is cast until the fan presses a button"


def test_the_vote_is_cast_from_the_prompt_and_the_prompt_goes(fan_client, world):
    theory = world["theirs"]
    prompt_url = f"{theory.get_absolute_url()}?vote=up"
    assert 'id="cast-vote"' in fan_client.get(prompt_url).content.decode()
    response = fan_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": "1", "next": prompt_url}
    )
    assert response.status_code == HTTPStatus.FOUND
    theory.refresh_from_db()
    assert (theory.upvotes, theory.score) == (1, 1)
    # The fan's vote is what they chose: the page no longer asks.
    assert 'id="cast-vote"' not in fan_client.get(prompt_url).content.decode()


def test_visiting_the_vote_address_asks_instead_of_refusing(fan_client, world):
    theory = world["theirs"]
    response = fan_client.get(reverse("guide:vote", args=[theory.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{theory.get_absolute_url()}?vote=#cast-vote"
    assert not Vote.objects.exists()


# Comments with errors -----------------------------------------------------------------------


def test_empty_comment_shows_its_error_on_the_theory_page_and_keeps_the_rest(fan_client, world):
    theory = world["theirs"]
    response = fan_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": "   ", "spoiler_season": "1"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert theory.title in page
    assert 'id="comment-form"' in page
    assert "This field is required." in page
    assert '<option value="1" selected>' in page, "the spoiler choice is kept"
    assert not Comment.objects.filter(body__startswith=" ").exists()


def test_the_comment_address_answers_a_visit_with_the_comment_form(fan_client, world):
    theory = world["theirs"]
    response = fan_client.get(reverse("guide:comment_create", args=[theory.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{theory.get_absolute_url()}#comment-form"
    page = fan_client.get(response["Location"]).content.decode()
    assert 'id="comment-form"' in page


def test_switching_language_on_a_comment_error_lands_on_the_theory(fan_client, world):
    theory = world["theirs"]
    url = reverse("guide:comment_create", args=[theory.pk])
    error_page = fan_client.post(url, {"body": ""}).content.decode()
    # The footer's switchers come back to the address the page was shown at.
    assert f'name="next" type="hidden" value="{url}"' in error_page
    for switch, data in (("set_language", {"language": "ko"}), ("guide:theme", {"theme": "dark"})):
        landed = fan_client.post(reverse(switch), {**data, "next": url}, follow=True)
        assert landed.status_code == HTTPStatus.OK, switch
        assert landed.redirect_chain[-1][0] == f"{theory.get_absolute_url()}#comment-form"


def test_logging_out_by_visiting_the_address_asks_first(fan_client):
    response = fan_client.get(reverse("accounts:logout"))
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Log out</h1>" in response.content.decode()
    assert "_auth_user_id" in fan_client.session, "a visit alone never logs anyone out"
    assert fan_client.post(reverse("accounts:logout")).status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in fan_client.session


def test_spoiler_and_theme_settings_answer_a_visit_by_going_back(client, world):
    for name in ("guide:set_progress", "guide:theme"):
        back = world["season"].get_absolute_url()
        response = client.get(reverse(name), {"next": back})
        assert response.status_code == HTTPStatus.FOUND, name
        assert response["Location"] == back
        assert client.get(reverse(name), {"next": "//evil.example"})["Location"] == "/"
