"""Site search: what a visitor types into /search/?q= and what they get back.

Runs on SQLite (substring fallback) and on PostgreSQL (full-text ranking): every test
here must pass on both, with the same results page.
"""

import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import (
    CharacterFactory,
    FactFactory,
    PersonFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    WatchProgressFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page

pytestmark = pytest.mark.django_db

SEARCH = reverse("guide:search")
KINDS = ("shows", "seasons", "characters", "facts", "theories")


def search(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == HTTPStatus.OK, (query, response.status_code)
    return response


def group(response, kind: str) -> str:
    """The HTML of one result group ("" when the page has no such group)."""
    html = response.content.decode()
    match = re.search(
        rf'<section class="result-group" aria-labelledby="r-{kind}">(.*?)</section>', html, re.S
    )
    return match.group(1) if match else ""


def outside_spoilers(html: str) -> str:
    return re.sub(r'<details class="spoiler">.*?</details>', "", html, flags=re.S)


def inside_spoilers(html: str) -> str:
    return "".join(re.findall(r'<details class="spoiler">.*?</details>', html, flags=re.S))


# One of everything ------------------------------------------------------------------


@pytest.fixture
def quokka():
    """A show where the word "Quokka" is in one item of every kind."""
    show = ShowFactory(title="Quokka High", slug="quokka-high", original_title="쿼카 고등학교")
    season = SeasonFactory(show=show, number=1, synopsis="The school year starts.")
    actor = PersonFactory(name="Jo Yi-hyun", aliases="Cho Yi-hyun\nJo Yi Hyun\n조이현")
    character = CharacterFactory(
        show=show,
        name="Choi Nam-ra",
        slug="choi-nam-ra",
        native_name="최남라",
        aliases="Namra\nNam Ra\nNam-ra\n남라\n최남라",
        actor=actor,
    )
    quokka_character = CharacterFactory(show=show, name="Quokka Kid", slug="quokka-kid")
    fact = FactFactory(season=season, question="Will the Quokka return?")
    theory = TheoryFactory(season=season, title="The Quokka is the first zombie")
    return {
        "show": show,
        "season": season,
        "character": character,
        "quokka_character": quokka_character,
        "actor": actor,
        "fact": fact,
        "theory": theory,
    }


def test_results_are_grouped_by_kind_and_highlighted(client, quokka):
    response = search(client, "quokka")
    groups = {kind: group(response, kind) for kind in KINDS}

    assert quokka["show"].get_absolute_url() in groups["shows"]
    assert quokka["season"].get_absolute_url() in groups["seasons"]
    assert quokka["quokka_character"].get_absolute_url() in groups["characters"]
    assert quokka["fact"].get_absolute_url() in groups["facts"]
    assert quokka["theory"].get_absolute_url() in groups["theories"]
    # Each item sits in its own group and nowhere else.
    assert quokka["theory"].get_absolute_url() not in groups["facts"] + groups["shows"]
    assert quokka["character"].get_absolute_url() not in groups["characters"]

    # The matched word is marked, keeping its case as written, in every group.
    for kind in KINDS:
        assert "<mark>Quokka</mark>" in groups[kind], kind
    assert "<mark>quokka</mark>" not in response.content.decode()


def test_several_words_must_all_match(client, quokka):
    TheoryFactory(season=quokka["season"], title="Quokka sleeps all day")
    response = search(client, "quokka zombie")
    theories = group(response, "theories")
    assert quokka["theory"].get_absolute_url() in theories
    assert "Quokka sleeps all day" not in theories
    assert "<mark>zombie</mark>" in theories


@pytest.mark.parametrize("query", ["NAMRA", "namra", "NaMrA", "Nam-ra", "nam-RA", "Nam Ra"])
def test_case_and_romanisation_do_not_matter_for_characters(client, quokka, query):
    characters = group(search(client, query), "characters")
    assert quokka["character"].get_absolute_url() in characters, query


@pytest.mark.parametrize("query", ["Jo Yi-hyun", "Cho Yi-hyun", "cho yi-hyun", "조이현"])
def test_characters_are_found_by_their_actors_names(client, quokka, query):
    characters = group(search(client, query), "characters")
    assert quokka["character"].get_absolute_url() in characters, query


@pytest.mark.parametrize("query", ["남라", "최남라"])
def test_korean_names_find_the_character(client, quokka, query):
    characters = group(search(client, query), "characters")
    assert quokka["character"].get_absolute_url() in characters


@pytest.mark.parametrize(
    "query",
    ["Cheóng-san", "CHEÓNG-SAN", "Chéong-san", "Cheo\u0301ng-san"],
    ids=["acute", "upper-acute", "acute-e", "combining-accent"],
)
def test_accents_in_the_query_are_ignored(client, query):
    # A fan typing an accented romanisation ("Pokémon"-style) still finds the character.
    character = CharacterFactory(name="Lee Cheong-san", slug="lee-cheong-san")
    theory = TheoryFactory(title="Cheong-san comes back", season__show=character.show)
    response = search(client, query)
    assert character.get_absolute_url() in group(response, "characters"), query
    assert theory.get_absolute_url() in group(response, "theories"), query


@pytest.mark.parametrize("query", ["Renée", "renée", "Renee", "RENEE"])
def test_accented_names_in_the_data_are_found_as_written_and_without_accents(client, query):
    # Accent-insensitive both ways: typing the name exactly as stored must find it too.
    character = CharacterFactory(name="Renée Duval", slug="renee-duval")
    assert character.get_absolute_url() in group(search(client, query), "characters"), query


@pytest.mark.parametrize("query", ["ダンジョン飯", "ダンジョン", "हिन्दी"])
def test_scripts_whose_letters_carry_marks_are_still_searchable(client, query):
    # Japanese dakuten and Devanagari vowel signs are part of the letter, not accents.
    show = ShowFactory(title="Delicious in Dungeon", original_title="ダンジョン飯 हिन्दी")
    assert show.get_absolute_url() in group(search(client, query), "shows"), query


def test_demo_content_is_found_in_every_spelling(client):
    """The real demo data: aliases, Korean names and the original title."""
    call_command("load_demo", verbosity=0)
    from guide.models import Character, Show

    show = Show.objects.get(original_title="지금 우리 학교는")
    nam_ra = Character.objects.get(name="Choi Nam-ra")
    on_jo_actor = Character.objects.get(actor__name="Jo Yi-hyun")
    expectations = {
        "지금 우리 학교는": ("shows", show),
        "지금": ("shows", show),
        "all of us are DEAD": ("shows", show),
        "남라": ("characters", nam_ra),
        "Namra": ("characters", nam_ra),
        "Nam-ra": ("characters", nam_ra),
        "Nam Ra": ("characters", nam_ra),
        "namra": ("characters", nam_ra),
        "NAMRA": ("characters", nam_ra),
        "Jo Yi-hyun": ("characters", on_jo_actor),
        "Cho Yi-hyun": ("characters", on_jo_actor),
    }
    missing = [
        query
        for query, (kind, item) in expectations.items()
        if item.get_absolute_url() not in group(search(client, query), kind)
    ]
    assert missing == []


# Visibility ---------------------------------------------------------------------------


def test_hidden_theories_and_unpublished_shows_never_appear(client, fan, other_fan, quokka):
    hidden = TheoryFactory(
        season=quokka["season"], author=fan, title="Quokka secret", is_hidden=True
    )
    unpublished = ShowFactory(title="Quokka Draft", slug="quokka-draft", is_published=False)
    draft_season = SeasonFactory(show=unpublished, number=1)
    draft_theory = TheoryFactory(season=draft_season, title="Quokka draft theory")
    draft_character = CharacterFactory(show=unpublished, name="Quokka Draftee", slug="draftee")
    draft_fact = FactFactory(season=draft_season, question="Quokka draft fact?")

    other = Client()
    other.force_login(other_fan)
    for reader in (client, other):
        html = search(reader, "quokka").content.decode()
        assert quokka["theory"].get_absolute_url() in html  # the search itself works
        assert "Quokka secret" not in html
        assert hidden.get_absolute_url() not in html
        for item in (unpublished, draft_season, draft_theory, draft_character, draft_fact):
            assert item.get_absolute_url() not in html
        assert "Quokka draft" not in html
        assert "Quokka Draft" not in html


def test_spoiler_tagged_results_are_shielded_until_answered(client, fan_client, fan, quokka):
    season = quokka["season"]
    spoiler = TheoryFactory(season=season, title="Quokka bites the principal", spoiler_season=1)
    spoiler_fact = FactFactory(season=season, question="Quokka turns?", spoiler_season=1)

    theories = group(search(client, "quokka"), "theories")
    assert "bites the principal" in inside_spoilers(theories)
    assert "bites the principal" not in outside_spoilers(theories)
    # The plain theory is not shielded.
    assert "first zombie" in outside_spoilers(theories)
    facts = group(search(client, "quokka"), "facts")
    assert spoiler_fact.get_absolute_url() in inside_spoilers(facts)
    assert spoiler_fact.get_absolute_url() not in outside_spoilers(facts)

    # A fan who has watched season 1 sees it plainly.
    WatchProgressFactory(user=fan, show=season.show, seasons_watched=1)
    theories = group(search(fan_client, "quokka"), "theories")
    assert spoiler.get_absolute_url() in outside_spoilers(theories)
    assert '<details class="spoiler">' not in theories


# Pagination ---------------------------------------------------------------------------


def test_more_than_one_page_of_theories_can_be_browsed(client, quokka):
    season = quokka["season"]
    quokka["theory"].delete()
    # Distinct hot ranks give a well-defined order: theory 0 is hottest.
    theories = [
        TheoryFactory(season=season, title=f"Quokka idea {n:02d}", hot=100 - n) for n in range(25)
    ]

    first = search(client, "quokka")
    first_group = group(first, "theories")
    on_first = [t for t in theories if t.get_absolute_url() in first_group]
    assert len(on_first) == 20
    # A link to the next page keeps the query.
    html = first.content.decode()
    next_links = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert any("q=quokka" in link for link in next_links), "no link to page 2 of the results"

    second = search(client, "quokka", page=2)
    second_group = group(second, "theories")
    on_second = [t for t in theories if t.get_absolute_url() in second_group]
    assert len(on_second) == 5
    assert set(on_first).isdisjoint(on_second)
    assert set(on_first) | set(on_second) == set(theories)
    assert on_second == theories[20:]


def test_a_page_past_the_end_or_garbage_is_still_a_page(client, quokka):
    for page in ("99", "0", "-1", "abc", "1e9", ""):
        response = search(client, "quokka", page=page)
        assert quokka["show"].get_absolute_url() in response.content.decode()


# Bad input -----------------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "spaces": "   ",
    "very-long": "Quokka " * 1428 + "Q!",  # about 10,000 characters
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "sql": "' OR 1=1 --",
    "percent": "%",
    "underscore": "_",
    "backslash": "\\",
    "null-byte": "quokka\x00",
    "only-null": "\x00",
    "control": "\x1b[31m\x07",
    "emoji": "🧟‍♀️ 🏫",
    "rtl": "مرحبا \u202eשלום",
    "websearch-syntax": '"unclosed -quokka OR or ( ) : * & | !',
    "tsquery": "quokka:* & !zombie | <->",
}


@pytest.mark.parametrize("query", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_queries_get_a_normal_page(client, quokka, query):
    response = search(client, query)
    page = Page(response)
    # The only script on the page is the site's own module; nothing came from the query.
    scripts = [s for s in page.scripts if "alert" in s.text or "src" not in s.attrs]
    assert scripts == []
    assert all(s.attrs.get("type") == "module" for s in page.scripts)
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    boxes = [i for i in page.inputs if i.attrs.get("name") == "q"]
    assert boxes, "the search box is missing"
    for box in boxes:
        assert "\x00" not in (box.attrs.get("value") or "")


@pytest.mark.parametrize(
    "query", ["<script>alert(1)</script>", "' OR 1=1 --", "مرحبا", "🧟", "Pokémon", "Cheóng-san"]
)
def test_the_query_is_echoed_escaped(client, query):
    response = search(client, query)
    html = response.content.decode()
    page = Page(response)
    box = next(i for i in page.inputs if i.attrs.get("id") == "search-page-q")
    assert box.attrs["value"] == query
    if "<" in query:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_like_wildcards_are_matched_literally(client, quokka):
    # "%" and "_" are literal characters, not "anything": they match nothing here.
    for query in ("%", "_", "%%", "\\"):
        response = search(client, query)
        for kind in KINDS:
            assert group(response, kind) == "", (query, kind)
    TheoryFactory(season=quokka["season"], title="100% Quokka")
    theories = group(search(client, "100%"), "theories")
    assert "<mark>100%</mark> Quokka" in theories
    assert quokka["theory"].get_absolute_url() not in theories


# Both databases -------------------------------------------------------------------------


def test_title_matches_rank_first_on_postgresql_and_both_find_the_same(client, quokka):
    season = quokka["season"]
    quokka["theory"].delete()
    in_body = TheoryFactory(
        season=season, title="A hot one", body="The walrus knows the way out.", hot=50
    )
    in_title = TheoryFactory(season=season, title="The walrus theory", body="Short.", hot=1)
    TheoryFactory(season=season, title="Unrelated", body="Nothing here.", hot=99)
    theories = group(search(client, "walrus"), "theories")
    assert "Unrelated" not in theories
    positions = {
        name: theories.find(t.get_absolute_url())
        for name, t in (("body", in_body), ("title", in_title))
    }
    assert all(position >= 0 for position in positions.values())
    if connection.vendor == "postgresql":
        # Full-text ranking weighs the title above the body, whatever the hot rank.
        assert positions["title"] < positions["body"]
    else:
        assert positions["body"] < positions["title"]


# Query budget ---------------------------------------------------------------------------


def _make_matching(show, n: int, start: int):
    season = SeasonFactory(show=show, number=start + 1)
    for i in range(n):
        character = CharacterFactory(show=show, name=f"Quokka {start}-{i}", slug=f"q-{start}-{i}")
        FactFactory(season=season, question=f"Quokka fact {start}-{i}?")
        theory = TheoryFactory(
            season=season, title=f"Quokka theory {start}-{i}", spoiler_season=season.number
        )
        theory.characters.add(character)


def _count_queries(client, query="quokka") -> int:
    return count_queries(client, SEARCH, {"q": query})


def test_query_count_is_constant_in_the_amount_of_matching_data(
    client, fan_client, fan, django_assert_max_num_queries
):
    show = ShowFactory(title="Quokka Land", slug="quokka-land")
    _make_matching(show, 2, 0)

    def grow():
        _make_matching(show, 12, 1)
        WatchProgressFactory(user=fan, show=show, seasons_watched=1)

    assert_queries_do_not_grow(
        lambda: {"visitor": _count_queries(client), "fan": _count_queries(fan_client)},
        grow,
        "search",
    )
    with django_assert_max_num_queries(10):
        search(client, "quokka")
    with django_assert_max_num_queries(14):
        search(fan_client, "quokka zombie theory")
