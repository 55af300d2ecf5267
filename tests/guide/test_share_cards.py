"""Share cards (guide.cards) of season guides, characters and theories: a 1200×630 PNG
named by each page's og:image, public and the same for everyone, that says only what
spoils nothing, and is drawn again when what it says changes."""

import io
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from guide import cards, selectors, services
from guide.models import CharacterStatus, Outcome, Theory
from guide.models.season_text import SEASON_TEXT
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    CommentFactory,
    FactFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    show = ShowFactory(title="Hyosan High", slug="hyosan")
    SeasonFactory(show=show, number=1)
    return SeasonFactory(show=show, number=2)


def said(lines) -> str:
    return " ".join(line.text for line in lines)


def png_of(url: str):
    response = Client().get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    return Image.open(io.BytesIO(response.content))


def og_image(url: str) -> str:
    page = Client().get(url).text
    head = page[: page.index("</head>")]
    start = head.index('<meta property="og:image" content="') + len(
        '<meta property="og:image" content="'
    )
    return head[start : head.index('"', start)].removeprefix("http://testserver")


def test_each_page_type_names_its_own_card_and_the_card_is_a_1200_by_630_png(season):
    character = CharacterFactory(show=season.show, slug="on-jo")
    theory = TheoryFactory(season=season)
    pages = {
        season.get_absolute_url(): reverse("guide:season_card", args=["hyosan", 2]),
        character.get_absolute_url(): reverse("guide:character_card", args=["hyosan", "on-jo"]),
        theory.get_absolute_url(): reverse("guide:theory_card", args=[theory.pk]),
    }
    for page, card in pages.items():
        assert og_image(page) == card
        assert png_of(card).size == (1200, 630)


def test_a_season_card_counts_its_theories_and_facts(season):
    TheoryFactory.create_batch(2, season=season)
    TheoryFactory(season=season, is_hidden=True)
    TheoryFactory(season=season.show.seasons.get(number=1))
    FactFactory(season=season)
    found, theories, facts = selectors.season_card("hyosan", 2)
    text = said(cards.season_lines(season=found, theories=theories, facts=facts))
    assert "Hyosan High" in text
    assert "Season 2" in text
    assert "2 fan theories · 1 sourced fact" in text


def test_a_character_card_names_the_actor_and_counts_the_theories_about_them(season):
    character = CharacterFactory(show=season.show, slug="on-jo", name="Nam On-jo")
    about = TheoryFactory(season=season)
    about.characters.set([character])
    found, theories = selectors.character_card("hyosan", "on-jo")
    text = said(cards.character_lines(character=found, theories=theories))
    assert "Nam On-jo" in text
    assert f"Played by {character.actor.name} in Hyosan High" in text
    assert "1 fan theory about them" in text


def test_a_spoiler_theorys_card_shows_its_headline_counts_and_never_its_title_or_verdict(
    season,
):
    author = UserFactory(display_name="Seer")
    theory = TheoryFactory(
        season=season,
        author=author,
        title="CANARY-TITLE On-jo is the carrier",
        spoiler_season=2,
        spoiler_free_title="What the finale means for the school",
        outcome=Outcome.CONFIRMED,
        upvotes=7,
        downvotes=2,
        score=5,
    )
    CommentFactory(theory=theory)
    found = selectors.theory_card(theory.pk)
    text = said(cards.theory_lines(theory=found, comments=found.comment_count))
    assert "What the finale means for the school" in text
    assert "Spoilers for season 2, behind a shield" in text
    assert "7 up · 2 down · 1 comment" in text
    assert "by Seer" in text
    assert "CANARY" not in text
    assert "onfirmed" not in text


def test_a_card_is_drawn_again_when_what_it_says_changes_and_not_before(season, monkeypatch):
    theory = TheoryFactory(season=season)
    drawn = []
    draw = cards.render
    monkeypatch.setattr(cards, "render", lambda lines: drawn.append(lines) or draw(lines))
    card = reverse("guide:theory_card", args=[theory.pk])
    first = png_of(card)
    png_of(card)
    assert len(drawn) == 1  # kept
    CommentFactory(theory=theory)
    png_of(card)
    assert len(drawn) == 2  # a new count, a new drawing
    assert "1 comment" in said(drawn[-1])
    assert first.size == (1200, 630)


def test_cards_exist_only_for_what_any_visitor_may_see(season):
    hidden = TheoryFactory(season=season, is_hidden=True)
    withdrawn = TheoryFactory(season=season)
    CommentFactory(theory=withdrawn)  # so that it is withdrawn, its thread kept
    services.delete_theory(theory=withdrawn)
    withdrawn.refresh_from_db()
    assert withdrawn.withdrawn_at is not None
    draft = ShowFactory(slug="draft", is_published=False)
    SeasonFactory(show=draft, number=1)
    CharacterFactory(show=draft, slug="secret")
    missing = [
        reverse("guide:theory_card", args=[hidden.pk]),
        reverse("guide:theory_card", args=[withdrawn.pk]),
        reverse("guide:season_card", args=["draft", 1]),
        reverse("guide:season_card", args=["hyosan", 9]),
        reverse("guide:character_card", args=["draft", "secret"]),
    ]
    for url in missing:
        assert Client().get(url).status_code == HTTPStatus.NOT_FOUND, url


def test_without_a_card_font_a_korean_title_is_not_drawn_as_boxes(season, settings):
    settings.CARD_FONT = ""
    season.show.title = "지금 우리 학교는"
    found, theories, facts = selectors.season_card("hyosan", 2)
    found.show.title = "지금 우리 학교는"
    text = said(cards.drawn_lines(cards.season_lines, season=found, theories=0, facts=0))
    assert "지금" not in text
    assert "Season 2" in text


def test_no_season_tagged_text_of_a_theory_or_a_characters_fates_reaches_a_card(season):
    """By introspection (guide.models.season_text): every text a theory or a character's
    status gives a season away in holds a canary, and no card line says any of them."""
    theory = TheoryFactory(season=season, spoiler_season=2, outcome=Outcome.CONFIRMED)
    canaries = {}
    for name in SEASON_TEXT[Theory._meta.label].reveals:
        field = Theory._meta.get_field(name)
        if field.choices:
            continue  # a verdict: said as a code, checked below
        canaries[name] = f"CANARY{name}" if name != "outcome_source_url" else "https://x/CANARY"
    Theory.objects.filter(pk=theory.pk).update(**canaries)
    character = CharacterFactory(show=season.show, slug="on-jo")
    status = CharacterStatusFactory(character=character, season=season)
    for name in SEASON_TEXT[CharacterStatus._meta.label].reveals:
        if not CharacterStatus._meta.get_field(name).choices:
            setattr(status, name, f"CANARY{name}")
    status.save()
    found = selectors.theory_card(theory.pk)
    written = said(cards.theory_lines(theory=found, comments=0))
    written += said(cards.character_lines(character=character, theories=1))
    assert canaries
    assert "CANARY" not in written
    assert str(Outcome.CONFIRMED.label) not in written
    assert str(status.get_status_display()) not in written


def test_each_card_is_its_own_items_and_read_in_a_fixed_number_of_queries(
    season, django_assert_num_queries
):
    """Neighbours with the same slugs and numbers in another show, and another character in
    the same show: each card finds its own. What it draws is read with it, not after."""
    other = ShowFactory(title="Sweet Home", slug="sweet-home")
    SeasonFactory(show=other, number=2)
    CharacterFactory(show=other, slug="on-jo", name="Somebody else")
    CharacterFactory(show=season.show, slug="su-hyeok", name="Lee Su-hyeok")
    character = CharacterFactory(show=season.show, slug="on-jo", name="Nam On-jo")
    theory = TheoryFactory(season=season, author=UserFactory(display_name="Seer"))
    with django_assert_num_queries(3):
        found, theories, facts = selectors.season_card("hyosan", 2)
        assert "Hyosan High" in said(
            cards.season_lines(season=found, theories=theories, facts=facts)
        )
    with django_assert_num_queries(2):
        found, theories = selectors.character_card("hyosan", "on-jo")
        text = said(cards.character_lines(character=found, theories=theories))
    assert found == character
    assert f"Nam On-jo Played by {character.actor.name} in Hyosan High" in text
    with django_assert_num_queries(1):
        found = selectors.theory_card(theory.pk)
        text = said(cards.theory_lines(theory=found, comments=found.comment_count))
    assert "Hyosan High season 2" in text
    assert "by Seer" in text
