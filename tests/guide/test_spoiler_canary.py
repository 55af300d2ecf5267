"""No season-tagged text reaches a reader who has not watched that season: a canary test.

A unique canary word goes into every text field that guide.models.season_text says
gives a season away, on rows built so that the canaries cover seasons 1 to 3; a field
written in English and Korean gets one in each language's column. Then every public page
type is rendered for every watch level, as a visitor (signed cookie) and as a signed-in
fan (WatchProgress), in each of the site's languages. On each page, with the contents of
closed spoiler reveals cut out, no canary of a season the reader has not watched may
appear, in text, attributes, scripts or JSON-LD; the <head> (what link previews read),
the Atom feeds and the sitemap carry none at all.

New models, fields or pages are covered or the test fails: the models are found through
django.apps, the fields through the list in season_text (whose system check refuses an
unclassified text field), and the pages through guide's URL names.
"""

import datetime
import itertools
import json
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.test import Client
from django.test.utils import isolate_apps
from django.urls import get_resolver, reverse

from guide import mailing, services
from guide.models import (
    COMMENT_KINDS,
    Bookmark,
    Follow,
    ModerationAction,
    ModerationKind,
    NewsChange,
    Notification,
    NotificationKind,
    Outcome,
    Resolution,
    Revision,
    Season,
    SeasonFollow,
    SeasonStatus,
    WatchProgress,
)
from guide.models.season_text import (
    SEASON_TEXT,
    is_season_bound,
    revealed_season,
    unclassified,
)
from guide.models.translated import columns_of
from guide.reading import PROGRESS_COOKIE, PROGRESS_SALT
from guide.sitemaps import SITEMAPS
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    CommentFactory,
    EpisodeFactory,
    FactFactory,
    PredictionFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    TheoryImageFactory,
    UserFactory,
)
from tests.kit.shield import head_part, open_part

pytestmark = pytest.mark.django_db

PREFIX = "qzc"  # every canary starts with it, so one search finds them all
SEASONS = (1, 2, 3)  # 1 and 2 are out, 3 is announced
NOT_ANSWERED = None
LEVELS = (NOT_ANSWERED, 0, 1, 2)
READERS = ("visitor", "fan")
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)

# Text fields that give a season away but no public page shows: listed so the test
# knows, and checked, so the list cannot go stale.
# (The bodies' Markdown source is shown: the edit history diffs it.)
NOT_ON_PUBLIC_PAGES = {
    ("guide.Theory", "search_text"),  # found by search, never shown
    ("guide.Theory", "excerpt"),  # only in the <head> and feeds of theories that spoil nothing
}

# guide's routes that are no page a reader reads: forms of signed-in fans about their
# own writing, POST-only actions, and the short address that redirects to the theory.
# Pages only signed-in fans reach (a visitor is asked to log in first).
FANS_ONLY = {"comment_reply", "inbox", "saved", "following"}
NOT_READER_PAGES = {
    "fan_names",  # usernames for @mention suggestions: no text of any season
    "mail_settings",  # a fan's choices of mail: no text of any season
    "unsubscribe",  # a mail's link: names a kind of mail, no text of any season
    "follow",
    "follow_season",
    "follow_show",
    "follow_fan",
    "save_theory",
    "save_comment",
    "comment_vote",
    "inbox_read",
    "inbox_open",
    "theory_create",
    "theory_edit",
    # The author's own pictures, as theory_edit shows them their own text; and its POST.
    "theory_images",
    "theory_image_delete",
    "prediction_create",  # the author's form for a claim: names only the show and season
    "prediction_card",  # a PNG that never draws a claim (tests/guide/test_forecasts.py)
    # PNGs whose lines are checked against every season-tagged field there instead
    # (tests/guide/test_share_cards.py).
    "season_card",
    "character_card",
    "theory_card",
    "prediction_edit",  # the author's form for their own claim
    "theory_delete",
    "comment_edit",
    "comment_delete",
    "report_theory",
    "report_comment",
    "vote",
    "comment_create",
    "set_progress",
    "theme",
    "theory_short",
}


@dataclass(frozen=True)
class Canary:
    word: str
    model: str
    field: str
    season: int


def _text_field(model, name) -> models.Field:
    return model._meta.get_field(name)


def columns(model, name: str) -> list[str]:
    """Where a field's text is: its column in each language, or its own."""
    return list(columns_of(model, name).values()) or [name]


def plant(rows: dict[str, list[models.Model]]) -> list[Canary]:
    """A unique canary in every column of every field of every row that gives a season
    away."""
    counter = itertools.count(1)
    canaries = []
    for label, instances in rows.items():
        entry = SEASON_TEXT[label]
        for instance in instances:
            names, saved = [], []
            for name in entry.reveals:
                field = _text_field(type(instance), name)
                if field.choices:  # a choice (a status, an outcome) holds no free text
                    continue
                saved.append(name)
                for column in columns(type(instance), name):
                    word = f"{PREFIX}{next(counter):04d}{label.split('.')[1]}{column}".lower()
                    word = word.replace("_", "")
                    value = (
                        f"https://example.com/{word}"
                        if isinstance(field, models.URLField)
                        else word
                    )
                    if name == "body_html":
                        value = f"<p>{word}</p>"
                    setattr(instance, column, value)
                    names.append((column, word))
            instance.save(update_fields=saved + [column for column, _word in names])
            fresh = type(instance).objects.get(pk=instance.pk)
            for name, word in names:
                season = revealed_season(fresh, name)
                assert season in SEASONS, f"{label}.{name} of {fresh!r} reveals {season}"
                canaries.append(Canary(word, label, name, season))
    return canaries


@pytest.fixture
def world(db):
    show = ShowFactory(title="Canary High", slug="canary-high", is_featured=True)
    seasons = {
        1: SeasonFactory(
            show=show,
            number=1,
            status=SeasonStatus.RELEASED,
            release_date=datetime.date(2022, 1, 1),
        ),
        2: SeasonFactory(
            show=show,
            number=2,
            status=SeasonStatus.RELEASED,
            release_date=datetime.date(2024, 1, 1),
        ),
        3: SeasonFactory(show=show, number=3, status=SeasonStatus.ANNOUNCED),
    }
    author = UserFactory(username="canary_author")
    moderator = UserFactory(username="canary_mod", is_staff=True, groups=["Moderators"])
    known = CharacterFactory(show=show, name="Known Fate", slug="known-fate")
    unsure = CharacterFactory(show=show, name="Open Fate", slug="open-fate")
    rows: dict[str, list[models.Model]] = {label: [] for label in SEASON_TEXT}
    for number, season in seasons.items():
        rows["guide.CharacterStatus"] += [
            CharacterStatusFactory(character=known, season=season, status="dead"),
            # Unknown with a note: the rule for unreleased seasons looks back a season.
            CharacterStatusFactory(character=unsure, season=season, status="unknown"),
        ]
        # With a still, whose description is shown with it (no file is read to show it).
        rows["guide.Episode"].append(
            EpisodeFactory(
                season=season,
                number=1,
                still=f"stills/canary-{number}.webp",
                still_width=640,
                still_height=360,
            )
        )
        rows["guide.Fact"] += [
            FactFactory(season=season, spoiler_season=tag, question=f"Q{number}{tag}")
            for tag in SEASONS
        ]
    # Theories predicting each season and giving it away, and season-3 theories that
    # give away earlier seasons; each settled, each logged.
    theories = [
        TheoryFactory(
            author=author,
            season=seasons[predicted],
            spoiler_season=tag,
            slug="spoiler-theory",
            outcome=Outcome.CONFIRMED,
        )
        for predicted, tag in [(1, 1), (2, 2), (3, 3), (3, 1), (3, 2)]
    ]
    for theory in theories:
        theory.characters.set([known, unsure])
        rows["guide.TheoryImage"].append(TheoryImageFactory(theory=theory))
    plain = TheoryFactory(author=author, season=seasons[3], title="An open guess")
    rows["guide.Theory"] = theories
    for tag in SEASONS:
        comment = CommentFactory(theory=plain, spoiler_season=tag)
        rows["guide.Comment"].append(comment)
        rows["guide.ModerationAction"].append(
            ModerationAction.objects.create(
                moderator=moderator, kind=ModerationKind.HIDE, comment=comment, target_label="#c"
            )
        )
    for theory in theories:
        rows["guide.ModerationAction"].append(
            ModerationAction.objects.create(
                moderator=moderator, kind=ModerationKind.HIDE, theory=theory, target_label="#t"
            )
        )
        rows["guide.ModerationAction"].append(
            ModerationAction.objects.create(
                moderator=moderator,
                kind=ModerationKind.SET_OUTCOME,
                theory=theory,
                target_label=f"#{theory.pk}",
                detail=Outcome.CONFIRMED,
            )
        )
    # Earlier texts: one untagged under each tagged theory and comment (shielded as its
    # item now is), and a season-2 one under the untagged theory (shielded as it was).
    posted = datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC)
    rows["guide.Revision"] = [
        Revision.objects.create(theory=theory, title="t", body="b", written_at=posted)
        for theory in theories
    ]
    rows["guide.Revision"] += [
        Revision.objects.create(comment=comment, body="b", written_at=posted)
        for comment in rows["guide.Comment"]
    ]
    rows["guide.Revision"].append(
        Revision.objects.create(
            theory=plain, title="t", body="b", spoiler_season=2, written_at=posted
        )
    )
    # A follow holds no text; the season guides show its button to the fan who follows.
    rows["guide.SeasonFollow"] = [
        SeasonFollow.objects.create(user=author, season=season) for season in seasons.values()
    ]
    # Inbox lines of a season's news: codes, no text (season_text says so; the inbox and
    # the mail canaries below show it).
    rows["guide.Notification"] = [
        Notification.objects.create(
            recipient=author, kind=NotificationKind.SEASON, season=season, change=change
        )
        for season in seasons.values()
        for change in (NewsChange.RELEASE_DATE, NewsChange.STATUS, NewsChange.FACT)
    ]
    # Predictions resolved against facts: questions tagged with each season, and the
    # claims of the spoiler theories, which they also give away.
    resolved = {"resolution": Resolution.YES, "resolved_at": posted}
    for predicted, tag in [(1, 1), (2, 2), (3, 3), (3, 1), (3, 2)]:
        settling = FactFactory(season=seasons[predicted], spoiler_season=tag)
        rows["guide.Fact"].append(settling)
        rows["guide.Prediction"].append(
            PredictionFactory(
                season=seasons[predicted], spoiler_season=tag, resolution_fact=settling, **resolved
            )
        )
    rows["guide.Prediction"] += [
        PredictionFactory(season=theory.season, theory=theory, author=author, **resolved)
        for theory in theories
    ]
    # Their earlier wordings, untagged: shielded as the claim now is.
    rows["guide.Revision"] += [
        Revision.objects.create(prediction=prediction, title="t", body="b", written_at=posted)
        for prediction in rows["guide.Prediction"]
    ]
    missing = {label for label, instances in rows.items() if not instances}
    assert not missing, f"no canary rows for {missing}: build some in this world"
    return {
        "show": show,
        "seasons": seasons,
        "characters": [known, unsure],
        "theories": [*theories, plain],
        "comments": rows["guide.Comment"],
        "author": author,
        "actions": rows["guide.ModerationAction"],
        "predictions": rows["guide.Prediction"],
        "canaries": plant(rows),
    }


# Pages ----------------------------------------------------------------------------------


def page_addresses(world) -> dict[str, list[str]]:
    """Every public page type and the addresses that render it."""
    show, seasons = world["show"], world["seasons"].values()
    slug = show.slug

    def feed(name, number):
        return reverse(name, args=[slug, number])

    return {
        "home": [reverse("guide:home")],
        "show_list": [reverse("guide:show_list")],
        "show": [show.get_absolute_url()],
        "season": [season.get_absolute_url() for season in seasons],
        "character": [character.get_absolute_url() for character in world["characters"]],
        "theory_list": [
            reverse("guide:theory_list") + query
            for query in [
                "",
                "?sort=new",
                "?sort=top",
                "?outcome=confirmed",
                f"?show={slug}",
                *(f"?season={season.pk}" for season in seasons),
                *(f"?character={character.pk}" for character in world["characters"]),
            ]
        ],
        "theory": [theory.get_absolute_url() for theory in world["theories"]],
        "theory_history": [
            reverse("guide:theory_history", args=[theory.pk]) for theory in world["theories"]
        ],
        "comment_history": [
            reverse("guide:comment_history", args=[comment.pk]) for comment in world["comments"]
        ],
        "comment": [comment.get_absolute_url() for comment in world["comments"]],
        "comment_reply": [
            reverse("guide:comment_reply", args=[comment.pk]) for comment in world["comments"]
        ],
        "inbox": [reverse("guide:inbox")],
        "saved": [reverse("guide:saved")],
        "following": [reverse("guide:following")],
        "profile": [reverse("accounts:profile", args=[world["author"].username])],
        "leaderboard": [
            reverse("guide:leaderboard"),
            reverse("guide:leaderboard") + f"?show={slug}",
            *(reverse("guide:leaderboard") + f"?show={slug}&season={n}" for n in SEASONS),
        ],
        "moderation_log": [reverse("guide:moderation_log")],
        "prediction": [prediction.get_absolute_url() for prediction in world["predictions"]],
        "prediction_history": [
            reverse("guide:prediction_history", args=[prediction.pk])
            for prediction in world["predictions"]
        ],
        "question_list": [reverse("guide:question_list")],
        "search": [reverse("guide:search") + f"?q={PREFIX}"],
        "feed_theories": [reverse("guide:feed_theories")],
        "feed_show_theories": [reverse("guide:feed_show_theories", args=[slug])],
        "feed_season_theories": [feed("guide:feed_season_theories", s) for s in SEASONS],
        "feed_season_facts": [feed("guide:feed_season_facts", s) for s in SEASONS],
        "show_calendar": [reverse("guide:show_calendar", args=[slug])],
        "sitemap": [reverse("sitemap")]
        + [reverse("sitemap_section", args=[section]) for section in SITEMAPS],
    }


def reader_client(world, reader: str, level: int | None) -> Client:
    client = Client()
    show = world["show"]
    if reader == "fan":
        fan = UserFactory(username=f"reader_{level}")
        # Their inbox tells of every comment, replies and all (its lines carry no text).
        Notification.objects.bulk_create(
            Notification(
                recipient=fan,
                kind=kind,
                theory_id=comment.theory_id,
                comment=comment,
                actor_id=comment.author_id,
            )
            for comment, kind in zip(
                world["comments"], itertools.cycle(COMMENT_KINDS), strict=False
            )
        )
        Notification.objects.bulk_create(news_lines(world, fan))
        # ...they follow every theory and season (their Following page lists them)...
        Follow.objects.bulk_create(Follow(user=fan, theory=theory) for theory in world["theories"])
        SeasonFollow.objects.bulk_create(
            SeasonFollow(user=fan, season=season) for season in world["seasons"].values()
        )
        # ...and they saved every theory and comment (their Saved page shows comments).
        Bookmark.objects.bulk_create(
            [Bookmark(user=fan, theory=theory) for theory in world["theories"]]
            + [Bookmark(user=fan, comment=comment) for comment in world["comments"]]
        )
        if level is not NOT_ANSWERED:
            WatchProgress.objects.create(user=fan, show=show, seasons_watched=level)
        client.force_login(fan)
    elif level is not NOT_ANSWERED:
        response = HttpResponse()
        response.set_signed_cookie(
            PROGRESS_COOKIE, json.dumps({str(show.pk): level}), salt=PROGRESS_SALT
        )
        client.cookies[PROGRESS_COOKIE] = response.cookies[PROGRESS_COOKIE].value
    return client


def news_lines(world, fan) -> list[Notification]:
    """Lines of every kind that tells of no comment: each season's news, and each
    moderator's decision in the world (verdicts, hidden comments) as if the fan followed
    or wrote what it is about."""
    lines = [
        Notification(recipient=fan, kind=NotificationKind.SEASON, season=season, change=change)
        for season in world["seasons"].values()
        for change in (NewsChange.RELEASE_DATE, NewsChange.STATUS, NewsChange.FACT)
    ]
    for action in world["actions"]:
        if action.kind == ModerationKind.SET_OUTCOME:
            lines.append(
                Notification(
                    recipient=fan,
                    kind=NotificationKind.VERDICT,
                    theory_id=action.theory_id,
                    action=action,
                )
            )
        else:
            lines.append(
                Notification(
                    recipient=fan,
                    kind=NotificationKind.MODERATION,
                    theory_id=action.theory_id or action.comment.theory_id,
                    comment_id=action.comment_id,
                    action=action,
                    change=NewsChange.HIDDEN,
                )
            )
    return lines


def leaks(canaries, text: str, *, unless_watched: int | None) -> list[str]:
    """Canaries in `text` that a reader who watched `unless_watched` seasons may not see."""
    allowed = unless_watched or 0
    return [c.word for c in canaries if c.season > allowed and c.word in text]


def check_page(canaries, body: str, content_type: str, level) -> tuple[list[str], set]:
    """Leaks on one page, and the canaries shown openly there."""
    if "html" not in content_type:  # feeds and the sitemap: no reader setting applies
        return leaks(canaries, body, unless_watched=NOT_ANSWERED), set()
    shown = open_part(body)
    found = leaks(canaries, shown, unless_watched=level)
    found += [f"{word} in <head>" for word in leaks(canaries, head_part(body), unless_watched=0)]
    return found, {c for c in canaries if c.word in shown}


# The test ------------------------------------------------------------------------------------


def test_every_season_bound_model_and_text_field_is_classified():
    assert unclassified(apps.get_models()) == []
    bound = {model._meta.label for model in apps.get_models() if is_season_bound(model)}
    assert bound <= set(SEASON_TEXT), "season-bound models missing from SEASON_TEXT"


@isolate_apps("guide")
def test_a_new_season_bound_model_or_field_is_reported():
    class Recap(models.Model):
        season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
        summary = models.TextField()

        class Meta:
            app_label = "guide"

        def __str__(self):
            return self.summary

    class Episode(models.Model):  # the real Episode, with a new text field
        season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
        title = models.CharField(max_length=200)
        synopsis = models.TextField()
        still_alt = models.CharField(max_length=300)
        guest_stars = models.TextField()

        class Meta:
            app_label = "guide"

        def __str__(self):
            return self.title

    class Poster(models.Model):  # bound to no season: none of the shield's business
        caption = models.CharField(max_length=200)

        class Meta:
            app_label = "guide"

        def __str__(self):
            return self.caption

    assert unclassified([Recap, Episode, Poster]) == [
        "guide.Recap has a spoiler season but is not in SEASON_TEXT",
        "guide.Episode.guest_stars is not classified: which season does it reveal?",
    ]


def test_every_reader_page_type_is_rendered():
    names = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "guide"
        for pattern in pattern.url_patterns
    }
    covered = {
        "home",
        "show_list",
        "show",
        "season",
        "character",
        "theory_list",
        "theory",
        "theory_history",
        "comment_history",
        "comment",
        "comment_reply",
        "inbox",
        "saved",
        "following",
        "leaderboard",
        "moderation_log",
        "prediction",
        "prediction_history",
        "question_list",
        "search",
        "feed_theories",
        "feed_show_theories",
        "feed_season_theories",
        "feed_season_facts",
        "show_calendar",
    }
    assert names - NOT_READER_PAGES == covered, "a new page: add it to page_addresses()"


def pages_for(pages: dict[str, list[str]], reader: str) -> dict[str, list[str]]:
    """The pages this kind of reader reaches."""
    return {kind: urls for kind, urls in pages.items() if reader == "fan" or kind not in FANS_ONLY}


@dataclass
class Reading:
    """What one reader's renders found: leaks, canaries shown openly, and anywhere."""

    failures: list[str]
    shown: set
    seen: set
    renders: int = 0


def read_every_page(client, pages, canaries, reader: str, level) -> Reading:
    """Every page this reader reaches, in each of the site's languages."""
    reading = Reading(failures=[], shown=set(), seen=set())
    for language, (page_type, urls) in itertools.product(
        LANGUAGES, pages_for(pages, reader).items()
    ):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK, (reader, level, url)
            assert response["Content-Language"] == language, (language, url)
            body = response.content.decode()
            reading.renders += 1
            found, shown_here = check_page(canaries, body, response["Content-Type"], level)
            reading.failures += [
                f"{reader} {level} {language} {page_type} {url}: {word}" for word in found
            ]
            reading.shown |= shown_here
            reading.seen |= {c for c in canaries if c.word in body}
    return reading


def test_no_canary_leaks_on_any_page_at_any_watch_level(world):
    canaries = world["canaries"]
    pages = page_addresses(world)
    failures, renders = [], 0
    shown_at: dict[tuple, set] = {}
    seen_anywhere: set[Canary] = set()
    for reader, level in itertools.product(READERS, LEVELS):
        client = reader_client(world, reader, level)
        reading = read_every_page(client, pages, canaries, reader, level)
        failures += reading.failures
        renders += reading.renders
        shown_at[(reader, level)] = reading.shown
        seen_anywhere |= reading.seen

    fields = {(c.model, c.field) for c in canaries}
    addresses = sum(len(urls) for urls in pages.values())
    print(
        f"\ncanary coverage: {len(fields)} text fields ({len({c.model for c in canaries})} models, "
        f"{len(canaries)} canaries) x {len(pages)} page types ({addresses} addresses) x "
        f"{len(LEVELS)} watch levels x {len(READERS)} kinds of reader x {len(LANGUAGES)} "
        f"languages = {renders} page renders"
    )
    assert not failures, f"{len(failures)} leaks:\n" + "\n".join(failures[:40])

    # The control: the canaries are really on the pages, so their absence means something.
    rendered = {(c.model, c.field) for c in seen_anywhere}
    assert rendered == fields - NOT_ON_PUBLIC_PAGES, (
        "fields shown or not shown differ from NOT_ON_PUBLIC_PAGES: "
        f"{sorted(rendered ^ (fields - NOT_ON_PUBLIC_PAGES))}"
    )
    # ...and a reader who watched two seasons sees each such field's season-1 and
    # season-2 canaries openly somewhere: the shield hides no more than it must.
    for reader in READERS:
        open_fields = {(c.model, c.field) for c in shown_at[(reader, 2)] if c.season <= 2}
        assert open_fields == rendered, f"{reader}: hidden too much: {rendered - open_fields}"
    assert len(fields) == len(
        {
            (label, column)
            for label, entry in SEASON_TEXT.items()
            for name in entry.reveals
            for column in columns(apps.get_model(label), name)
        }
        - {
            ("guide.CharacterStatus", "status"),
            ("guide.Theory", "outcome"),
            ("guide.Prediction", "resolution"),
        }
    ), "every free-text field that reveals a season carries a canary"
    assert {c.season for c in canaries} == set(SEASONS)


def test_the_canary_check_catches_a_leak(world):
    """The checker itself: a canary of an unwatched season outside a reveal is caught,
    inside a closed reveal it is not, and anywhere in the <head> it is."""
    canary = next(c for c in world["canaries"] if c.season == 2)
    outside = f"<html><head></head><body><p title='{canary.word}'>x</p></body></html>"
    inside = (
        f'<html><head></head><body><details class="spoiler"><summary>s</summary>'
        f"{canary.word}</details></body></html>"
    )
    opened = inside.replace('class="spoiler"', 'class="spoiler" open')
    in_head = f"<html><head><title>{canary.word}</title></head><body></body></html>"
    assert check_page([canary], outside, "text/html", 1)[0] == [canary.word]
    assert check_page([canary], inside, "text/html", 1)[0] == []
    assert check_page([canary], opened, "text/html", 1)[0] == [canary.word]
    assert check_page([canary], outside, "text/html", 2)[0] == []
    assert check_page([canary], in_head, "text/html", 2)[0] == [f"{canary.word} in <head>"]
    assert check_page([canary], canary.word, "application/atom+xml", 2)[0] == [canary.word]


def mails_of_every_kind(world, fan) -> list:
    """Every kind of line for the fan (new theories: the tagged ones), each mailed at
    once (the first about each theory; the quiet time holds the rest) or in the digest."""
    tagged = [theory for theory in world["theories"] if theory.spoiler_season]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=fan,
                kind=kind,
                theory_id=comment.theory_id,
                comment=comment,
                actor_id=comment.author_id,
            )
            for comment, kind in zip(
                world["comments"], itertools.cycle(COMMENT_KINDS), strict=False
            )
        ]
        + [
            Notification(
                recipient=fan, kind=NotificationKind.THEORY, theory=theory, actor=theory.author
            )
            for theory in tagged
        ]
        + news_lines(world, fan)
    )
    mail.outbox.clear()
    events = [mailing.about_comment(comment.pk) for comment in world["comments"]]
    events += [mailing.about_theory(theory.pk) for theory in tagged]
    events += [mailing.about_decision(action.pk) for action in world["actions"]]
    events.append(Q(recipient=fan, kind=NotificationKind.SEASON))
    for event in events:
        mailing.mail_news(event)
    mailing.send_digests()
    return [message for message in mail.outbox if message.to == [fan.email]]


def test_no_canary_leaks_into_any_mail_at_any_watch_level(world, settings):
    """The mail channel: every kind of line, mailed at once and in the digest, to fans
    at every watch level. A mail has no reveal, so it may hold no canary of a season its
    reader has not watched."""
    settings.MAIL_DAILY_LIMIT = 100
    canaries, failures, seen = world["canaries"], [], set()
    for level in LEVELS:
        fan = UserFactory(username=f"mailed_{level}")
        if level is not NOT_ANSWERED:
            WatchProgress.objects.create(user=fan, show=world["show"], seasons_watched=level)
        services.choose_mail(user=fan, choices=dict.fromkeys(NotificationKind.values, "instant"))
        mails = mails_of_every_kind(world, fan)
        assert len(mails) > 1, "mailed at once, and a digest"
        for message in mails:
            (html, _mimetype), *_ = message.alternatives
            text = "\n".join([message.subject, message.body, html])
            failures += [
                f"{level} {message.subject}: {word}"
                for word in leaks(canaries, text, unless_watched=level)
            ]
            seen |= {c for c in canaries if c.word in text}
    assert not failures, f"{len(failures)} leaks:\n" + "\n".join(failures[:40])
    # The control: mail quotes what its reader may read, so the silence means something.
    assert {c.season for c in seen} == {1, 2}
