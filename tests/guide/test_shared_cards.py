"""Theory cards are rendered once and shared between readers (core.fragments), and every
reader still gets exactly their own card: their vote, their token, their spoilers, and
what changed a moment ago."""

import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from accounts import services as account_services
from core import freshness
from guide import services
from tests.factories import UserFactory
from tests.kit.html import Form, Page
from tests.kit.worlds import build_world, reader_client

pytestmark = pytest.mark.django_db

CARD = "includes/theory_card.html"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def card_html(response, theory) -> str:
    body = response.content.decode()
    found = re.search(
        rf'<article class="theory-card[^"]*" id="theory-{theory.pk}">.*?</article>', body, re.S
    )
    assert found, f"no card for theory {theory.pk}"
    return found.group(0)


def card_of(response, theory) -> Page:
    """The theory's card on a list page, read on its own."""
    return Page(card_html(response, theory))


def vote_form(card: Page) -> Form:
    (form,) = [form for form in card.forms if "vote" in form.classes]
    return form


def pressed(card: Page, direction: str) -> str:
    (button,) = card.find_all("button", **{"class": f"vote-{direction}"})
    return button.attrs["aria-pressed"]


def score(card: str) -> str:
    return re.search(r'<output class="vote-score"[^>]*>(-?\d+)</output>', card).group(1)


class CardRenders:
    """How many cards the template engine rendered (not served from the shared cache)."""

    def __init__(self):
        self.count = 0

    def __call__(self, sender, template, **kwargs):
        self.count += template.name == CARD

    def __enter__(self):
        template_rendered.connect(self)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self)


def test_a_second_reader_gets_the_cards_without_rendering_them(world, reader):
    """Two fans who see the same cards (neither voted, neither wrote them)."""
    url = reverse("guide:theory_list")
    with CardRenders() as first:
        assert signed_in(UserFactory(username="first")).get(url).status_code == HTTPStatus.OK
    with CardRenders() as second:
        assert signed_in(reader).get(url).status_code == HTTPStatus.OK
    assert first.count == 3
    assert second.count == 0


def test_each_reader_gets_their_own_token_and_address(world, reader):
    """A card rendered for one fan on one page carries another fan's token and page."""
    signed_in(world.other_fan).get(reverse("guide:theory_list"))
    client = signed_in(reader, enforce_csrf_checks=True)
    page_url = reverse("guide:theory_list") + "?sort=top"
    fields = vote_form(card_of(client.get(page_url), world.theory)).inputs
    assert fields["next"] == f"{page_url}#theory-{world.theory.pk}"
    vote = client.post(
        reverse("guide:vote", args=[world.theory.pk]),
        {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "value": "1",
            "next": fields["next"],
        },
    )
    assert vote.status_code == HTTPStatus.FOUND  # the token is valid for this reader
    assert vote["Location"] == fields["next"]


def test_a_fans_own_vote_is_current_on_every_card(world, reader):
    url = reverse("guide:theory_list")
    client = signed_in(reader)
    assert pressed(card_of(client.get(url), world.theory), "up") == "false"
    services.cast_vote(user=reader, theory_id=world.theory.pk, value=1)
    response = client.get(url)
    assert pressed(card_of(response, world.theory), "up") == "true"
    assert score(card_html(response, world.theory)) == str(world.theory.score + 1)
    # Another fan's card of the same theory shows their own (absent) vote.
    other = signed_in(UserFactory(username="third")).get(url)
    assert pressed(card_of(other, world.theory), "up") == "false"


def test_an_authors_edit_shows_on_other_fans_cards_at_once(world, reader):
    url = reverse("guide:theory_list")
    client = signed_in(reader)
    old_title = world.theory.title
    assert old_title in client.get(url).content.decode()
    services.edit_theory(
        theory=world.theory,
        title="On-jo is back, and changed",
        body=world.theory.body,
        characters=[world.on_jo],
    )
    body = client.get(url).content.decode()
    assert "On-jo is back, and changed" in body
    assert old_title not in body


def test_a_renamed_author_shows_on_cards_at_once(world, reader):
    url = reverse("guide:theory_list")
    client = signed_in(reader)
    client.get(url)
    account_services.update_profile(user=world.fan, display_name="Onjo Keeper", bio="")
    assert "Onjo Keeper" in card_of(client.get(url), world.theory).text


def test_an_editors_change_reaches_cards_through_the_site_topic(
    world, reader, django_capture_on_commit_callbacks
):
    url = reverse("guide:theory_list")
    client = signed_in(reader)
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        type(world.show).objects.filter(pk=world.show.pk).update(title_en="Still All Of Us")
        freshness.touch(freshness.SITE)  # what the admin does for every editor's save
    assert "Still All Of Us" in card_of(client.get(url), world.theory).text


@pytest.mark.parametrize("order", ["unwatched first", "watched first"])
def test_readers_at_different_levels_never_share_a_card(world, order):
    url = reverse("guide:theory_list")
    unwatched = reader_client(world.show, 0, user=UserFactory(username="new_viewer"))
    watched = reader_client(world.show, 1, user=UserFactory(username="binger"))
    clients = [unwatched, watched] if order == "unwatched first" else [watched, unwatched]
    cards = {id(client): card_of(client.get(url), world.spoiler_theory) for client in clients}
    title = world.spoiler_theory.title
    # Unwatched: the real title only behind a reveal; watched: in the open, no reveal.
    assert title in cards[id(unwatched)].shielded_text
    assert title not in cards[id(unwatched)].open_text
    assert title in cards[id(watched)].open_text
    assert not cards[id(watched)].find_all("details")


def test_languages_never_share_a_card(world, reader):
    url = reverse("guide:theory_list")
    client = signed_in(reader)
    client.get(url, headers={"accept-language": "en"})
    korean = client.get(url, headers={"accept-language": "ko"})
    assert "댓글" in card_of(korean, world.theory).text


def test_cards_survive_an_empty_cache_and_a_full_one(world, reader):
    """Whatever the cache holds, the page is the same page."""
    url = reverse("guide:theory_list")
    client = signed_in(reader)
    warm = client.get(url).content.decode()
    cache.clear()
    client.force_login(reader)  # the cache held nothing of the session: it lives in the database
    cold = client.get(url).content.decode()

    def without_tokens(text):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    assert without_tokens(warm) == without_tokens(cold)
