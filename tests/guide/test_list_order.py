"""Every short list of theories is in the order its heading says, and its "all theories"
link opens the full list in that same order."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guide import services
from guide.models import SeasonStatus, Theory
from tests.factories import CharacterFactory, SeasonFactory, ShowFactory, TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three theories whose hot, top and new orders all differ."""
    show = ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead", is_featured=True)
    season = SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    character = CharacterFactory(show=show, name="Choi Nam-ra", slug="choi-nam-ra")
    now = timezone.now()
    theories = {}
    for name, age_days, upvotes in (("favourite", 30, 5), ("fresh", 0, 1), ("quiet", 10, 0)):
        theory = TheoryFactory(
            season=season, title=name, created_at=now - datetime.timedelta(days=age_days)
        )
        theory.characters.add(character)
        for n in range(upvotes):
            voter = UserFactory(username=f"{name}_voter_{n}")
            services.cast_vote(user=voter, theory_id=theory.pk, value=1)
        theories[name] = theory
    services.recount_votes(theory_ids=[theory.pk for theory in theories.values()])
    # Hot: the fresh one (age beats a few votes); top: the well-liked old one.
    assert [t.title for t in Theory.objects.hot()] == ["fresh", "quiet", "favourite"]
    assert [t.title for t in Theory.objects.top()] == ["favourite", "fresh", "quiet"]
    return {"show": show, "season": season, "character": character, **theories}


def listed(client, url: str, heading_id: str) -> tuple[str, list[str], str]:
    """The heading, the theory titles in order, and the section's own HTML."""
    page = client.get(url).content.decode()
    start = page.index(f'aria-labelledby="{heading_id}"')
    section = page[start : page.index("</section>", start)]
    heading = re.search(rf'<h2 id="{heading_id}">(.*?)</h2>', section).group(1)
    cards = re.findall(r'<article class="theory-card[^"]*" id="theory-(\d+)"', section)
    titles = [Theory.objects.get(pk=pk).title for pk in cards]
    return heading, titles, section


def test_season_guide_lists_its_top_theories_in_top_order(client, world):
    heading, titles, section = listed(client, world["season"].get_absolute_url(), "theories-title")
    assert heading == "Top theories"
    assert titles == ["favourite", "fresh", "quiet"]
    all_theories = reverse("guide:theory_list") + f"?season={world['season'].pk}&amp;sort=top"
    assert f'href="{all_theories}"' in section


@pytest.mark.parametrize("page", ["home", "show"])
def test_hot_lists_are_in_hot_order(client, world, page):
    url, heading_id = {
        "home": (reverse("guide:home"), "hot-title"),
        "show": (world["show"].get_absolute_url(), "theories-title"),
    }[page]
    heading, titles, _section = listed(client, url, heading_id)
    assert heading == "Hot theories"
    assert titles == ["fresh", "quiet", "favourite"]


def test_character_page_lists_the_start_of_its_all_theories_list(client, world):
    character = world["character"]
    _heading, titles, section = listed(client, character.get_absolute_url(), "theories-title")
    link = re.search(r'href="(/theories/\?character=\d+[^"]*)"', section).group(1)
    full_list = client.get(link.replace("&amp;", "&")).content.decode()
    in_full_list = [
        Theory.objects.get(pk=pk).title for pk in re.findall(r'id="theory-(\d+)"', full_list)
    ]
    assert titles == in_full_list[: len(titles)]
