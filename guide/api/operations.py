"""The read API's operations: each parses its address, calls a selector and says what
to answer through guide.api.schemas. Every one is a `read` (below): public, cached,
counted, conditional."""

import inspect
import re
from typing import Annotated

from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from core import api as public
from core import pagination
from guide import selectors, spoilers, topics
from guide.api import schemas
from guide.api.schemas import absolute, image, korean, shown
from guide.models import FactKind, Outcome, Resolution, Show, TheoryOrder

router = Router()

# How long a copy is kept (at most: a write that moves its topics ends it sooner), and
# how long a client may reuse it without asking: facts change when editors save, theory
# counts with every vote.
CONTENT_SECONDS, CONTENT_MAX_AGE = 600, 300
THEORY_SECONDS, THEORY_MAX_AGE = 30, 30

Watched = Annotated[
    int | None,
    Query(
        None,
        ge=0,
        le=99,
        description="The last season you have watched of the show (0: none). Text that "
        'gives away a later season comes as {"spoiler_season": N}; without it, every '
        "season-tagged text does.",
    ),
]
Cursor = Annotated[
    str | None,
    Query(None, max_length=500, description="From the `next` address of the page before."),
]
Limit = Annotated[int, Query(20, ge=1, le=100, description="Items on a page.")]


def read(
    path: str,
    *,
    response,
    topics_of=lambda **path: (),
    seconds=CONTENT_SECONDS,
    max_age=CONTENT_MAX_AGE,
    **options,
):
    """Register a GET operation, with core.api.public_read around its view: the query
    parameters its key holds are the ones its signature names."""

    def register(operation):
        in_path = set(re.findall(r"{(\w+)", path))
        params = [
            name
            for name in inspect.signature(operation).parameters
            if name not in in_path | {"request", "response"}
        ]
        cached = public.public_read(
            params=params, topics=topics_of, seconds=seconds, max_age=max_age
        )
        answers = {200: response, frozenset({400, 404, 429}): schemas.Problem}
        registered = router.get(path, response=answers, url_name=operation.__name__, **options)
        return registered(decorate_view(cached)(operation))

    return register


def page_of(request, queryset, *, cursor: str | None, limit: int, item, rows=None) -> dict:
    """A keyset page (core.pagination) of `queryset`, each row through `item`, with the
    address of the next page. `rows`, given the page's ids, reads the rows `item` needs
    where `queryset` holds only what orders them (dicts of `.values()`, with "pk"). A
    cursor this site did not make is the caller's error."""
    page = pagination.keyset_page(queryset, per_page=limit, after=cursor)
    if page.malformed:
        raise HttpError(400, "The cursor is not one this API gave: start from the first page.")
    found = page.items
    if rows is not None:
        full = rows([each["pk"] for each in found])
        found = [full[each["pk"]] for each in found]
    following = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        following = absolute(f"{request.path}?{query.urlencode()}")
    return {"items": [item(row) for row in found], "next": following}


def modified(response: HttpResponse, *instances) -> None:
    """Last-Modified: the latest change to what the answer shows."""
    latest = max(each.updated_at for each in instances)
    response["Last-Modified"] = http_date(latest.timestamp())


# Shows and seasons ------------------------------------------------------------------------


def _season_summary(season) -> dict:
    return {
        "number": season.number,
        "title": season.title,
        "title_ko": korean(season, "title"),
        "status": season.status,
        "release_date": season.release_date,
        "episode_count": season.episode_count,
        "url": absolute(reverse("guide:season", args=[season.show.slug, season.number])),
    }


def _show_summary(show: Show) -> dict:
    return {
        "slug": show.slug,
        "title": show.title,
        "title_ko": korean(show, "title"),
        "original_title": show.original_title,
        "platform": show.platform,
        "poster": image(show.poster),
        "url": absolute(show.get_absolute_url()),
    }


@read("/shows", response=schemas.ShowPage, summary="Shows")
def shows(request, cursor: Cursor = None, limit: Limit = 20):
    return page_of(request, selectors.api_shows(), cursor=cursor, limit=limit, item=_show_summary)


@read("/shows/{slug}", response=schemas.ShowOut, summary="A show and its seasons")
def show(request, response: HttpResponse, slug: str):
    found = selectors.api_show(slug)
    modified(response, found)
    source = None
    if found.source_title:
        source = {
            "title": found.source_title,
            "original_title": found.source_original_title,
            "author": found.source_author,
            "kind": found.source_kind,
            "length": found.source_length,
        }
    seasons = list(found.seasons.all())
    for season in seasons:
        season.show = found
    return {
        **_show_summary(found),
        "tagline": found.tagline,
        "tagline_ko": korean(found, "tagline"),
        "synopsis": found.synopsis,
        "synopsis_ko": korean(found, "synopsis"),
        "creators": found.creators,
        "genres": found.genre_list,
        "content_advisories": found.content_advisories,
        "content_advisories_ko": korean(found, "content_advisories"),
        "source_material": source,
        "seasons": [_season_summary(season) for season in seasons],
        "updated_at": found.updated_at,
    }


@read(
    "/shows/{slug}/seasons/{int:number}",
    response=schemas.SeasonOut,
    summary="A season and its episodes",
)
def season(request, response: HttpResponse, slug: str, number: int, watched: Watched = None):
    found = selectors.api_season(slug, number)
    modified(response, found)
    return {
        **_season_summary(found),
        "show": found.show.slug,
        "synopsis": found.synopsis,
        "synopsis_ko": korean(found, "synopsis"),
        "renewal_announced_on": found.renewal_announced_on,
        "typical_runtime": found.typical_runtime,
        "forecasts_lock_at": found.forecasts_lock_at,
        "episodes": [
            {
                "number": episode.number,
                "title": shown(episode, "title", watched),
                "title_ko": korean(episode, "title", watched),
                "synopsis": shown(episode, "synopsis", watched),
                "synopsis_ko": korean(episode, "synopsis", watched),
                "runtime": episode.runtime,
                "release_date": episode.release_date,
            }
            for episode in found.episodes.all()
        ],
        "updated_at": found.updated_at,
    }


# Facts ---------------------------------------------------------------------------------------


def _fact(fact, watched) -> dict:
    return {
        "id": fact.pk,
        "show": fact.season.show.slug,
        "season": fact.season.number,
        "question": shown(fact, "question", watched),
        "question_ko": korean(fact, "question", watched),
        "answer": shown(fact, "answer", watched),
        "answer_ko": korean(fact, "answer", watched),
        "quote": shown(fact, "quote", watched),
        "quoted_person": _person_summary(fact.quoted_person),
        "kind": fact.kind,
        "milestone": fact.milestone,
        "happened_on": fact.happened_on,
        "source": {
            "name": shown(fact, "source_name", watched),
            "title": shown(fact, "source_title", watched),
            "url": shown(fact, "source_url", watched),
            "date": fact.source_date,
        },
        "last_verified_on": fact.last_verified_on,
        "spoiler_season": fact.spoiler_season,
        "url": absolute(fact.get_absolute_url()),
        "updated_at": fact.updated_at,
    }


@read(
    "/shows/{slug}/seasons/{int:number}/facts",
    response=schemas.FactPage,
    summary="What we know about a season, with sources",
)
def facts(
    request,
    slug: str,
    number: int,
    kind: FactKind | None = None,
    watched: Watched = None,
    cursor: Cursor = None,
    limit: Limit = 20,
):
    found = selectors.api_season(slug, number)
    return page_of(
        request,
        selectors.api_facts(found, kind=kind),
        cursor=cursor,
        limit=limit,
        item=lambda fact: _fact(fact, watched),
    )


@read("/facts/{int:pk}", response=schemas.FactOut, summary="A fact")
def fact(request, response: HttpResponse, pk: int, watched: Watched = None):
    found = selectors.api_fact(pk)
    modified(response, found)
    return _fact(found, watched)


# People and characters ------------------------------------------------------------------------


def _person_summary(person) -> dict | None:
    if person is None:
        return None
    return {
        "slug": person.slug,
        "name": person.name,
        "name_ko": korean(person, "name"),
        "native_name": person.native_name,
    }


@read("/people", response=schemas.PersonPage, summary="Cast and crew")
def people(request, cursor: Cursor = None, limit: Limit = 20):
    return page_of(
        request, selectors.api_people(), cursor=cursor, limit=limit, item=_person_summary
    )


@read("/people/{slug}", response=schemas.PersonOut, summary="A person and who they play")
def person(request, response: HttpResponse, slug: str):
    found = selectors.api_person(slug)
    modified(response, found)
    return {
        **_person_summary(found),
        "aliases": [alias.strip() for alias in found.aliases.splitlines() if alias.strip()],
        "bio": found.bio,
        "bio_ko": korean(found, "bio"),
        "roles": [
            {"show": role.show.slug, "character": role.slug, "name": role.name}
            for role in found.roles.all()
        ],
        "updated_at": found.updated_at,
    }


def _character_summary(character) -> dict:
    return {
        "show": character.show.slug,
        "slug": character.slug,
        "name": character.name,
        "name_ko": korean(character, "name"),
        "native_name": character.native_name,
        "role": character.role,
        "actor": _person_summary(character.actor),
        "url": absolute(character.get_absolute_url()),
    }


@read("/shows/{slug}/characters", response=schemas.CharacterPage, summary="A show's characters")
def characters(request, slug: str, cursor: Cursor = None, limit: Limit = 20):
    found = selectors.api_show(slug)
    return page_of(
        request,
        selectors.api_characters(found),
        cursor=cursor,
        limit=limit,
        item=_character_summary,
    )


@read(
    "/shows/{slug}/characters/{character}",
    response=schemas.CharacterOut,
    summary="A character, with their aliases and status each season",
)
def character(request, response: HttpResponse, slug: str, character: str, watched: Watched = None):
    found = selectors.api_character(slug, character)
    modified(response, found)
    return {
        **_character_summary(found),
        "aliases": found.alias_list,
        "description": found.description,
        "description_ko": korean(found, "description"),
        "billing_order": found.billing_order,
        "portrait": image(found.portrait),
        "statuses": [
            {
                "season": status.season.number,
                "status": shown(status, "status", watched),
                "note": shown(status, "note", watched),
                "note_ko": korean(status, "note", watched),
            }
            for status in found.statuses.all()
        ],
        "updated_at": found.updated_at,
    }


# Theories -------------------------------------------------------------------------------------


def _verdict(item, name: str, watched) -> object:
    """An outcome or a resolution: "open" gives nothing away; a verdict is shielded."""
    value = getattr(item, name)
    return value if value in (Outcome.OPEN, Resolution.OPEN) else shown(item, name, watched)


def _theory(theory, watched) -> dict:
    return {
        "id": theory.pk,
        "url": absolute(theory.get_absolute_url()),
        "show": theory.show_slug,
        "season": theory.season.number,
        "headline": (
            theory.title if not theory.spoiler_season else theory.spoiler_free_title or None
        ),
        "title": shown(theory, "title", watched),
        "language": theory.language,
        "characters": sorted((theory.character_slugs or "").split()),
        "spoiler_season": theory.spoiler_season,
        "outcome": _verdict(theory, "outcome", watched),
        "author": theory.author_name,
        "created_at": theory.created_at,
        "edited_at": theory.edited_at,
        "upvotes": theory.upvotes,
        "downvotes": theory.downvotes,
        "score": theory.score,
        "comments": theory.comment_count,
    }


Order = Annotated[TheoryOrder, Query(TheoryOrder.HOT, description="hot, top or new")]
# A language tag's letters and hyphens: anything else (a NUL byte, which PostgreSQL
# refuses in a query) is a bad parameter, not a server error.
Language = Annotated[
    str | None,
    Query(
        None,
        max_length=10,
        pattern=r"^[A-Za-z-]+$",
        description="The language it is written in: en, ko.",
    ),
]


def _theory_page(request, watched, cursor, limit, **narrowed) -> dict:
    return page_of(
        request,
        selectors.api_theories(**narrowed),
        cursor=cursor,
        limit=limit,
        item=lambda each: _theory(each, watched),
        rows=selectors.api_theories_in,
    )


@read(
    "/theories",
    response=schemas.TheoryPage,
    topics_of=lambda: (topics.THEORIES, topics.THEORY_TEXTS),
    seconds=THEORY_SECONDS,
    max_age=THEORY_MAX_AGE,
    summary="Fans' theories about every show",
)
def theories(
    request,
    outcome: Outcome | None = None,
    language: Language = None,
    order: Order = TheoryOrder.HOT,
    watched: Watched = None,
    cursor: Cursor = None,
    limit: Limit = 20,
):
    return _theory_page(
        request, watched, cursor, limit, show=None, outcome=outcome, language=language, order=order
    )


@read(
    "/shows/{slug}/theories",
    response=schemas.TheoryPage,
    topics_of=lambda slug: (topics.THEORIES, topics.THEORY_TEXTS),
    seconds=THEORY_SECONDS,
    max_age=THEORY_MAX_AGE,
    summary="Fans' theories about a show, a season or a character",
)
def show_theories(
    request,
    slug: str,
    season: Annotated[
        int | None, Query(None, ge=1, le=99, description="The season it predicts.")
    ] = None,
    character: Annotated[
        str | None, Query(None, max_length=200, description="A character's slug.")
    ] = None,
    outcome: Outcome | None = None,
    language: Language = None,
    order: Order = TheoryOrder.HOT,
    watched: Watched = None,
    cursor: Cursor = None,
    limit: Limit = 20,
):
    return _theory_page(
        request,
        watched,
        cursor,
        limit,
        show=selectors.api_listed_show(slug),
        season=season,
        character=selectors.api_character(slug, character) if character else None,
        outcome=outcome,
        language=language,
        order=order,
    )


@read(
    "/theories/{int:pk}",
    response=schemas.TheoryDetail,
    topics_of=lambda pk: topics.theory_anywhere(pk),
    seconds=THEORY_SECONDS,
    max_age=THEORY_MAX_AGE,
    summary="A theory, with its predictions",
)
def theory(request, pk: int, watched: Watched = None):
    found = selectors.api_theory(pk)
    return {
        **_theory(found, watched),
        "body": shown(found, "body", watched),
        "outcome_note": shown(found, "outcome_note", watched),
        "predictions": [
            {
                "id": claim.pk,
                "claim": shown(claim, "claim", watched),
                "criteria": shown(claim, "criteria", watched),
                "resolution": _verdict(claim, "resolution", watched),
                "resolved_at": claim.resolved_at,
                "url": absolute(claim.get_absolute_url()),
            }
            for claim in found.predictions.all()
        ],
    }


# Fans -------------------------------------------------------------------------------------


@read(
    "/fans/{username}",
    response=schemas.FanOut,
    topics_of=lambda username: (topics.THEORIES,),
    seconds=THEORY_SECONDS,
    max_age=THEORY_MAX_AGE,
    summary="A fan's public profile and prediction record",
)
def fan(request, username: str, watched: Watched = None):
    found = selectors.with_theory_record(selectors.active_fan(username))
    record = selectors.forecast_record(found)
    forecasts = None
    if record.forecasts:
        beyond = [
            season for season in record.reveals.values() if spoilers.is_shielded(season, watched)
        ]
        forecasts = (
            schemas.Withheld(spoiler_season=max(beyond))
            if beyond
            else {
                "scored": record.forecasts,
                "mean_brier": record.mean_brier,
                "mean_peer": record.mean_peer,
            }
        )
    return {
        "username": found.username,
        "display_name": found.display_name,
        "bio": found.bio,
        "joined": found.date_joined.date(),
        "url": absolute(found.get_absolute_url()),
        "theories": {
            "confirmed": found.confirmed,
            "partly": found.partly,
            "debunked": found.debunked,
            "open": found.still_open,
            "total_score": found.total_score,
            "hit_rate": selectors.hit_rate(found),
        },
        "forecasts": forecasts,
    }
