"""The spoiler shield on every page, for visitors (signed cookie) and fans (their account).

An item tagged with spoiler season N is inside a <details class="spoiler"> exactly when
the reader has not told how far they watched the show, or has watched fewer than N
seasons; otherwise it is shown openly. Nothing tagged ever reaches the <head>.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Season, SeasonStatus
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    CommentFactory,
    FactFactory,
    SeasonFactory,
    ShowFactory,
    UserFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page, assert_open, assert_shielded, page_of, squash
from tests.kit.worlds import NOT_ANSWERED, SPOILER_TITLE, build_world, reader_client

pytestmark = pytest.mark.django_db


# The world ------------------------------------------------------------------------------

TITLE = "Principal Zebra turns in the finale"
BODY = "The zebra principal was bitten before the lockdown began."
FACT_Q = "Did Zebra survive the rooftop?"
FACT_A = "Zebra lived through the rooftop fight, barely."
FACT2_Q = "Who leads the zebra camp after season two?"
FACT2_A = "The zebra camp is led by the twins."
STATUS_NOTE = "Zebra fell from the library roof."
STATUS_LABEL = "Dead"
COMMENT = "Zebra comment: the bite was on the left arm."
OTHER_TITLE = "Walrus captain sinks the ferry"

# Every spoiler-tagged text and the season it spoils.
SPOILERS = {
    "title": (TITLE, 1),
    "body": (BODY, 1),
    "fact_q": (FACT_Q, 1),
    "fact_a": (FACT_A, 1),
    "fact2_q": (FACT2_Q, 2),
    "fact2_a": (FACT2_A, 2),
    "status_note": (STATUS_NOTE, 1),
    "status_label": (STATUS_LABEL, 1),
    "comment": (COMMENT, 1),
}


@pytest.fixture
def world(db):
    """The kit's world under another title (the label "Dead" must not be in it), plus
    Principal Zebra: a character, facts, a theory and a comment, each tagged with the
    season it spoils; a reader; and another show with a spoiler of its own."""
    world = build_world(show={"title": "Hyosan Survival", "slug": "hyosan-survival"})
    s1, s2 = world.s1, world.s2
    # Out, so a reader may say they have watched it (only released seasons can be).
    Season.objects.filter(pk=s2.pk).update(
        status=SeasonStatus.RELEASED, release_date=datetime.date(2024, 1, 28)
    )
    s2.refresh_from_db()
    world.hero = hero = CharacterFactory(show=world.show, name="Kim Hero", slug="kim-hero")
    CharacterStatusFactory(character=hero, season=s1, status="dead", note=STATUS_NOTE)
    CharacterStatusFactory(character=hero, season=s2, status="unknown")
    FactFactory(season=s2, question="Is it renewed?", answer="Yes, officially.", order=1)
    FactFactory(season=s2, question=FACT_Q, answer=FACT_A, spoiler_season=1, order=2)
    FactFactory(season=s2, question=FACT2_Q, answer=FACT2_A, spoiler_season=2, order=3)
    author = UserFactory(username="author")
    world.principal_theory = services.post_theory(
        author=author,
        season=s2,
        title=TITLE,
        body=BODY,
        characters=[hero],
        spoiler_season=1,
    )
    CommentFactory(theory=world.principal_theory, body=COMMENT, spoiler_season=1)
    CommentFactory(theory=world.principal_theory, body="An open comment about the poster.")
    # Another show's spoiler: answering for the first show reveals nothing of it.
    other_season = SeasonFactory(
        show=ShowFactory(title="Ferry Tales", slug="ferry-tales"), number=1
    )
    services.post_theory(
        author=author, season=other_season, title=OTHER_TITLE, body="Sinks.", spoiler_season=1
    )
    world.reader = UserFactory(username="reader")
    return world


# page name -> (url, the spoiler keys that page carries, whether it asks for progress)
PAGES = {
    "home": (lambda w: reverse("guide:home"), ["title"], True),  # asks about the featured show
    "show": (lambda w: w.show.get_absolute_url(), ["title"], True),
    "season": (
        lambda w: w.s2.get_absolute_url(),
        ["title", "fact_q", "fact_a", "fact2_q", "fact2_a"],
        True,
    ),
    "season_cast": (lambda w: w.s1.get_absolute_url(), ["status_label", "status_note"], True),
    "character": (
        lambda w: w.hero.get_absolute_url(),
        ["title", "status_label", "status_note"],
        True,
    ),
    "theory_list": (lambda w: reverse("guide:theory_list"), ["title"], False),
    "theory": (lambda w: w.principal_theory.get_absolute_url(), ["title", "body", "comment"], True),
    "profile": (lambda w: reverse("accounts:profile", args=["author"]), ["title"], False),
    "search": (lambda w: reverse("guide:search") + "?q=Zebra", ["title", "fact_q"], False),
}

LEVELS = [NOT_ANSWERED, 0, 1, 2]


def reader(world, mode: str, level: int | None) -> Client:
    """A visitor (cookie) or a signed-in fan (account) who answered `level`, or not at all."""
    return reader_client(world.show, level, user=world.reader if mode == "fan" else None)


def should_shield(level, spoiler_season) -> bool:
    return level is NOT_ANSWERED or level < spoiler_season


# The matrix ----------------------------------------------------------------------------


def check_page(world, page_name: str, page: Page, level) -> None:
    _url_of, keys, asks = PAGES[page_name]
    for key in keys:
        text, season = SPOILERS[key]
        if should_shield(level, season):
            assert_shielded(page, text)
        else:
            assert_open(page, text)
    # The other show's spoiler stays shielded whatever was answered for this one.
    if page_name in ("home", "theory_list"):
        assert_shielded(page, OTHER_TITLE)
    # Nothing tagged reaches the head, whoever reads.
    for text, _season in SPOILERS.values():
        if text != STATUS_LABEL:  # a one-word label; checked by the notes instead
            assert squash(text) not in page.head_text, f"{text!r} leaks into <head>"
    # First visit: asked once, with a form to the progress setting; answered: gone.
    prompts = page.prompt_forms()
    if asks and level is NOT_ANSWERED:
        assert len(prompts) == 1
        assert prompts[0].action == reverse("guide:set_progress")
        assert prompts[0].method == "post"
        assert prompts[0].inputs["show"] == str(world.show.pk)
        assert "seasons_watched" in prompts[0].inputs
    else:
        assert prompts == []


@pytest.mark.parametrize("mode", ["visitor", "fan"])
@pytest.mark.parametrize("level", LEVELS, ids=["unanswered", "nothing", "s1", "s2"])
def test_spoilers_are_shielded_exactly_until_watched(world, level, mode):
    """Every page type for one reader; every failing page is reported, not just the first."""
    client = reader(world, mode, level)
    failures = []
    for page_name, (url_of, _keys, _asks) in PAGES.items():
        page = page_of(client.get(url_of(world)))
        try:
            check_page(world, page_name, page, level)
        except AssertionError as error:
            failures.append(f"{page_name}: {str(error).splitlines()[0]}")
    assert not failures, "\n".join(failures)


def test_every_shield_is_labelled_with_its_season(world, client):
    page = page_of(client.get(world.s2.get_absolute_url()))
    body = client.get(world.s2.get_absolute_url()).content.decode()
    assert "Spoiler · season 1" in page.shielded_text
    assert "Spoiler · season 2" in page.shielded_text
    assert body.count('<details class="spoiler">') == body.count("Spoiler · season")


def test_shielded_theory_title_not_in_title_or_description(client, world):
    theory = world.spoiler_theory
    response = client.get(theory.get_absolute_url())
    page = page_of(response)
    assert "Nam-ra leads" not in page.title
    assert "Nam-ra leads" not in page.one_meta("description")
    assert "bite in the finale" not in page.one_meta("description")
    # Nor anywhere else in <head> (social cards, structured data).
    head = response.content.decode().split("</head>")[0]
    assert "Nam-ra leads" not in head
    assert "bite in the finale" not in head
    # The theory is still there, behind a reveal.
    assert SPOILER_TITLE in page.shielded_text


def test_shielded_theory_title_hidden_in_cards(client, world):
    body = client.get(reverse("guide:theory_list")).content.decode()
    card = body[body.index(f'id="theory-{world.spoiler_theory.pk}"') :]
    card = card[: card.index("</article>")]
    assert '<details class="spoiler">' in card
    assert SPOILER_TITLE in Page(card).shielded_text


# Query budgets --------------------------------------------------------------------------------

SHIELDED_PAGES = {
    "season": (lambda w: w.s2.get_absolute_url(), 9),  # one of them lists the episodes
    "theory_list": (lambda w: reverse("guide:theory_list"), 6),
    "character": (lambda w: w.hero.get_absolute_url(), 7),
    "theory": (lambda w: w.principal_theory.get_absolute_url(), 8),
    "home": (lambda w: reverse("guide:home"), 6),
}


def _grow(world, n=8):
    show, s1, s2, hero = world.show, world.s1, world.s2, world.hero
    for i in range(n):
        fan = UserFactory(username=f"grower{i}")
        character = CharacterFactory(show=show, name=f"Extra {i}", slug=f"extra-{i}")
        CharacterStatusFactory(character=character, season=s1, status="zombie", note="Bitten.")
        CharacterStatusFactory(character=character, season=s2, status="unknown")
        FactFactory(season=s2, question=f"Extra spoiler {i}?", spoiler_season=1 + i % 2)
        theory = services.post_theory(
            author=fan,
            season=s2,
            title=f"Extra spoiler theory {i}",
            body="More.",
            characters=[hero, character],
            spoiler_season=1 + i % 2,
        )
        CommentFactory(theory=theory, author=fan, spoiler_season=1)
        CommentFactory(theory=world.principal_theory, author=fan, spoiler_season=1 + i % 2)


def test_shielded_pages_make_constant_queries(world, django_assert_max_num_queries):
    readers = {
        "visitor-unanswered": reader(world, "visitor", NOT_ANSWERED),
        "visitor-s1": reader(world, "visitor", 1),
        "fan-s1": reader(world, "fan", 1),
    }
    urls = {name: url_of(world) for name, (url_of, _) in SHIELDED_PAGES.items()}

    def measure():
        return {
            f"{who}:{name}": count_queries(client, url)
            for who, client in readers.items()
            for name, url in urls.items()
        }

    measure()  # warm up sessions and content types
    assert_queries_do_not_grow(measure, lambda: _grow(world), "spoiler-shield")
    for client in readers.values():
        for name, url in urls.items():
            with django_assert_max_num_queries(SHIELDED_PAGES[name][1]):
                client.get(url)
