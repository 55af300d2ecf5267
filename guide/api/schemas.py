"""What the read API answers, field by field: the shapes its OpenAPI document publishes.

Text that gives a season away is the shield's (guide.models.season_text names every such
field and the season it reveals): for a caller who has not said they watched that season
(`watched`), the text is replaced by `{"spoiler_season": N}`. `shown()` is that one rule;
every schema reads season-tagged text through it.

Every caller gets the same answer: editors' text is in English (in Korean where only
that was written), and each field written in both languages has its Korean beside it as
`<field>_ko`, null where there is none. `korean()` reads it, through the same shield.
"""

from datetime import date, datetime

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field

from guide import spoilers
from guide.models import CharacterState, FactKind, Outcome, Resolution, SeasonStatus
from guide.models.season_text import SEASON_TEXT, revealed_season
from guide.models.translated import columns_of


class Schema(BaseModel):
    """Every shape's base: plain pydantic, which validates the dicts the operations build
    in its compiled core. ninja's own Schema reads each field of each item through a
    Python getter made for model instances, and that was a third of a list's time."""

    model_config = ConfigDict(extra="ignore")


class Withheld(Schema):
    """Text withheld from a caller who has not watched the season it gives away."""

    spoiler_season: int = Field(
        description="The season this text gives away: ask with watched at least this to read it."
    )


def shown(instance, name: str, watched: int | None):
    """The field `name` of `instance`, or Withheld when it gives away a season beyond
    `watched` (None: the caller did not say, and every tagged text is withheld)."""
    season = revealed_season(instance, name)
    if spoilers.is_shielded(season, watched):
        return Withheld(spoiler_season=season)
    return getattr(instance, name)


def korean(instance, name: str, watched: int | None = None):
    """The Korean of the translated field `name`: None where none is written, shielded as
    the field is for a season-bound row."""
    column = columns_of(type(instance), name)["ko"]
    if getattr(instance, column) is None or instance._meta.label not in SEASON_TEXT:
        return getattr(instance, column)
    return shown(instance, column, watched)


KOREAN = "in Korean; null where there is none"


def _one_of(choices) -> str:
    return "One of: " + ", ".join(choices.values) + "."


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def image(field) -> str | None:
    return absolute(field.url) if field else None


# Shows, seasons, episodes --------------------------------------------------------------


class SeasonSummary(Schema):
    number: int
    title: str
    title_ko: str | None = Field(description=KOREAN)
    status: str = Field(description=_one_of(SeasonStatus))
    release_date: date | None
    episode_count: int | None
    url: str


class ShowSummary(Schema):
    slug: str
    title: str
    title_ko: str | None = Field(description=KOREAN)
    original_title: str
    platform: str
    poster: str | None
    url: str


class SourceMaterial(Schema):
    title: str
    original_title: str
    author: str
    kind: str
    length: str


class ShowOut(ShowSummary):
    tagline: str
    tagline_ko: str | None = Field(description=KOREAN)
    synopsis: str
    synopsis_ko: str | None = Field(description=KOREAN)
    creators: str
    genres: list[str]
    content_advisories: str
    content_advisories_ko: str | None = Field(description=KOREAN)
    source_material: SourceMaterial | None
    seasons: list[SeasonSummary]
    updated_at: datetime


class EpisodeOut(Schema):
    number: int
    title: str | Withheld
    title_ko: str | Withheld | None = Field(description=KOREAN)
    synopsis: str | Withheld
    synopsis_ko: str | Withheld | None = Field(description=KOREAN)
    runtime: int | None = Field(description="minutes")
    release_date: date | None


class SeasonOut(SeasonSummary):
    show: str = Field(description="the show's slug")
    synopsis: str
    synopsis_ko: str | None = Field(description=KOREAN)
    renewal_announced_on: date | None
    typical_runtime: int | None = Field(description="minutes")
    forecasts_lock_at: datetime | None
    episodes: list[EpisodeOut]
    updated_at: datetime


# People and characters ------------------------------------------------------------------


class PersonSummary(Schema):
    slug: str
    name: str
    name_ko: str | None = Field(description=KOREAN)
    native_name: str


class Role(Schema):
    show: str
    character: str = Field(description="the character's slug in that show")
    name: str


class PersonOut(PersonSummary):
    aliases: list[str]
    bio: str
    bio_ko: str | None = Field(description=KOREAN)
    roles: list[Role]
    updated_at: datetime


class StatusOut(Schema):
    season: int
    status: str | Withheld = Field(description=_one_of(CharacterState))
    note: str | Withheld
    note_ko: str | Withheld | None = Field(description=KOREAN)


class CharacterSummary(Schema):
    show: str
    slug: str
    name: str
    name_ko: str | None = Field(description=KOREAN)
    native_name: str
    role: str
    actor: PersonSummary | None
    url: str


class CharacterOut(CharacterSummary):
    aliases: list[str]
    description: str
    description_ko: str | None = Field(description=KOREAN)
    billing_order: int
    portrait: str | None
    statuses: list[StatusOut]
    updated_at: datetime


# Facts ------------------------------------------------------------------------------------


class SourceOut(Schema):
    name: str | Withheld
    title: str | Withheld
    url: str | Withheld
    date: date | None


class FactOut(Schema):
    id: int
    show: str
    season: int
    question: str | Withheld
    question_ko: str | Withheld | None = Field(description=KOREAN)
    answer: str | Withheld
    answer_ko: str | Withheld | None = Field(description=KOREAN)
    quote: str | Withheld
    quoted_person: PersonSummary | None = Field(description="who said the quotation")
    kind: str = Field(description=_one_of(FactKind))
    milestone: str = Field(description="empty, or the timeline milestone it marks")
    happened_on: date | None
    source: SourceOut
    last_verified_on: date | None
    spoiler_season: int | None
    url: str
    updated_at: datetime


# Theories and predictions -------------------------------------------------------------------


class PredictionOut(Schema):
    id: int
    claim: str | Withheld
    criteria: str | Withheld
    resolution: str | Withheld = Field(description=_one_of(Resolution))
    resolved_at: datetime | None
    url: str


class TheoryOut(Schema):
    id: int
    url: str
    show: str
    season: int = Field(description="the season it predicts")
    headline: str | None = Field(
        description="a title that gives nothing away, for everyone: the title itself when "
        "the theory is not spoiler-tagged, else its author's spoiler-free headline (null "
        "when it has none)"
    )
    title: str | Withheld
    language: str
    characters: list[str] = Field(
        description="slugs of the characters it is about, in alphabetical order"
    )
    spoiler_season: int | None
    outcome: str | Withheld = Field(description=_one_of(Outcome))
    author: str | None = Field(description="the author's username; null once they left")
    created_at: datetime
    edited_at: datetime | None
    upvotes: int
    downvotes: int
    score: int
    comments: int


class TheoryDetail(TheoryOut):
    body: str | Withheld = Field(description="Markdown, as its author wrote it")
    outcome_note: str | Withheld
    predictions: list[PredictionOut]


# Fans ------------------------------------------------------------------------------------


class TheoryRecord(Schema):
    confirmed: int
    partly: int
    debunked: int
    open: int
    total_score: int
    hit_rate: int | None = Field(description="per cent of settled theories that came true")


class ForecastSummary(Schema):
    scored: int
    mean_brier: float | None
    mean_peer: float | None


class FanOut(Schema):
    username: str
    display_name: str
    bio: str
    joined: date
    url: str
    theories: TheoryRecord
    forecasts: ForecastSummary | Withheld | None = Field(
        description="null for a fan with no scored forecast; withheld while the scores "
        "would tell how a season went"
    )


# Errors ------------------------------------------------------------------------------------


class ProblemField(Schema):
    field: str = Field(description="where: query.<name> or path.<name>")
    message: str


class Problem(Schema):
    """Problem details (RFC 9457), as core.api.problem writes them."""

    type: str = Field(description="about:blank: the title is the status's own phrase")
    title: str
    status: int
    instance: str = Field(description="the address asked for")
    detail: str | None = None
    errors: list[ProblemField] | None = Field(None, description="each parameter not valid")


# Lists ------------------------------------------------------------------------------------


def _page(item: type[Schema]) -> type[Schema]:
    """A keyset page of `item`s (core.pagination): no count, no offset."""
    return type(
        f"{item.__name__.removesuffix('Summary').removesuffix('Out')}Page",
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next": str | None},
            "next": Field(description="The address of the next page; null on the last."),
        },
    )


ShowPage = _page(ShowSummary)
FactPage = _page(FactOut)
PersonPage = _page(PersonSummary)
CharacterPage = _page(CharacterSummary)
TheoryPage = _page(TheoryOut)
