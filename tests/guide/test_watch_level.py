"""Every reader sees how far they have watched, and changes it where they read.

A one-line "Watched: Season 1 · Change" control (a <details> around a small form, so it
works without JavaScript) on every page where spoilers matter, for visitors and fans;
saving says so; only seasons that are out can be chosen, and the spoiler menus of the
fans' forms offer only seasons that exist.
"""

import datetime
import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide.models import SeasonStatus, WatchProgress
from tests.factories import (
    CharacterFactory,
    CommentFactory,
    FactFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.shield import open_part

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    show = ShowFactory(title="Hyosan High", slug="hyosan-high", is_featured=True)
    s1 = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    s2 = SeasonFactory(show=show, number=2, status=SeasonStatus.COMING_SOON)
    s3 = SeasonFactory(show=show, number=3, status=SeasonStatus.ANNOUNCED)
    character = CharacterFactory(show=show, name="Choi Nam-ra", slug="choi-nam-ra")
    theory = TheoryFactory(season=s2, title="Nam-ra keeps her hunger in check")
    theory.characters.set([character])
    return {"show": show, "s1": s1, "s2": s2, "s3": s3, "character": character, "theory": theory}


def pages(world) -> dict[str, str]:
    return {
        "home": reverse("guide:home"),
        "show": world["show"].get_absolute_url(),
        "season": world["s2"].get_absolute_url(),
        "character": world["character"].get_absolute_url(),
        "theory_list": reverse("guide:theory_list"),
        "theory_list_filtered": reverse("guide:theory_list") + f"?season={world['s2'].pk}",
        "theory": world["theory"].get_absolute_url(),
        "search": reverse("guide:search") + "?q=hunger",
    }


class Controls(HTMLParser):
    """The watch-level controls on a page: the line's text, its <details>, its form."""

    def __init__(self, html: str):
        super().__init__()
        self.controls: list[dict] = []
        self._depth = 0  # <div> depth inside the current control
        self._select = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "watch-level" in (attrs.get("class") or "").split():
            self.controls.append({"text": "", "details": [], "form": None, "options": []})
            self._depth = 1
            return
        if not self._depth:
            return
        control = self.controls[-1]
        if tag == "div":
            self._depth += 1
        elif tag == "details":
            control["details"].append(attrs)
        elif tag == "form":
            control["form"] = {"action": attrs.get("action"), "method": attrs.get("method")}
        elif tag == "input" and attrs.get("type") == "hidden":
            control["form"][attrs["name"]] = attrs.get("value")
        elif tag == "select":
            self._select = True
        elif tag == "option" and self._select:
            control["options"].append((attrs["value"], "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag == "select":
            self._select = False

    def handle_data(self, data):
        if self._depth and not self._select:
            self.controls[-1]["text"] += data


def controls_on(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return Controls(response.content.decode()).controls


def visitor(world, watched) -> Client:
    client = Client()
    response = client.post(
        reverse("guide:set_progress"), {"show": world["show"].pk, "seasons_watched": watched}
    )
    assert response.status_code == HTTPStatus.FOUND
    return client


def fan(world, watched) -> Client:
    user = UserFactory(username=f"fan_{watched}")
    WatchProgress.objects.create(user=user, show=world["show"], seasons_watched=watched)
    client = Client()
    client.force_login(user)
    return client


# The control on every page ----------------------------------------------------------------


@pytest.mark.parametrize("who", [visitor, fan], ids=["visitor", "fan"])
@pytest.mark.parametrize(
    ("watched", "label"), [(0, "Watched: Nothing yet"), (1, "Watched: Season 1")]
)
def test_every_page_shows_how_far_the_reader_watched(world, who, watched, label):
    client = who(world, watched)
    for page, url in pages(world).items():
        controls = controls_on(client, url)
        assert len(controls) == 1, page
        control = controls[0]
        assert label in " ".join(control["text"].split()), page
        # "Change" opens a plain <details>: no script needed, closed at first.
        assert len(control["details"]) == 1, page
        assert "open" not in control["details"][0], page
        form = control["form"]
        assert form["action"] == reverse("guide:set_progress"), page
        assert form["method"] == "post", page
        assert form["show"] == str(world["show"].pk), page
        assert form["next"] == url, page
        # Only "Nothing yet" and the seasons that are out; the current one chosen.
        assert control["options"] == [("0", watched == 0), ("1", watched == 1)], page


def test_on_pages_about_several_shows_each_control_names_its_show(world):
    other = ShowFactory(title="Sweet Home", slug="sweet-home")
    SeasonFactory(
        show=other, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2020, 12, 18)
    )
    TheoryFactory(season=other.seasons.get(), title="Hyun-su keeps his hunger in check")
    client = visitor(world, 1)
    for url in (reverse("guide:theory_list"), reverse("guide:search") + "?q=hunger"):
        texts = [" ".join(c["text"].split()) for c in controls_on(client, url)]
        assert len(texts) == 2, url
        assert any(t.startswith("Hyosan High · Watched: Season 1") for t in texts), texts
        assert any(t.startswith("Sweet Home · Watched: Not answered yet") for t in texts), texts


def test_a_reader_who_has_not_answered_is_asked_rather_than_shown_a_level(world):
    client = Client()
    for page in ("show", "season", "character", "theory", "home", "theory_list_filtered"):
        html = client.get(pages(world)[page]).content.decode()
        assert 'class="watch-prompt"' in html, page
        assert 'class="watch-level"' not in html, page
        prompt = html[html.index('class="watch-prompt"') :]
        options = re.findall(r'<option value="(\d+)"', prompt[: prompt.index("</aside>")])
        assert options == ["0", "1"], page  # seasons 2 and 3 are not out


# Saving -------------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "fan"])
def test_saving_says_so(world, signed_in, settings):
    settings.VISITOR_PAGE_CACHE = True
    client = Client()
    if signed_in:
        client.force_login(UserFactory(username="saver"))
    url = world["s2"].get_absolute_url()
    client.get(url)  # a visitor's page is now in the page cache
    response = client.post(
        reverse("guide:set_progress"),
        {"show": world["show"].pk, "seasons_watched": 1, "next": url},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain == [(url, HTTPStatus.FOUND)]
    assert "Saved: you have watched season 1 of Hyosan High." in page
    assert "Watched: <strong>Season 1</strong>" in page
    # Said once: the next page is the plain (cached, for a visitor) page again.
    assert "Saved:" not in client.get(url).content.decode()
    response = client.post(
        reverse("guide:set_progress"), {"show": world["show"].pk, "seasons_watched": 0}, follow=True
    )
    assert "Saved: you have not watched Hyosan High yet" in response.content.decode()


@pytest.mark.parametrize(
    ("watched", "message"),
    [
        ("2", "Hyosan High season 2 is not out yet, so nobody has watched it."),
        ("3", "Hyosan High season 3 is not out yet, so nobody has watched it."),
        ("4", "Hyosan High has no season 4."),
        ("99", "Choose one of the seasons in the list."),
        ("-1", "Choose one of the seasons in the list."),
        ("two", "Choose one of the seasons in the list."),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "fan"])
def test_a_season_that_is_not_out_cannot_be_watched(world, watched, message, signed_in):
    client = Client()
    user = UserFactory(username="eager")
    if signed_in:
        client.force_login(user)
    url = world["s2"].get_absolute_url()
    response = client.post(
        reverse("guide:set_progress"),
        {"show": world["show"].pk, "seasons_watched": watched, "next": url},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    # The error sits with the field, the form offers what may be chosen, the way back kept.
    field = page[page.index('name="seasons_watched"') - 700 :][:1200]
    assert message in field
    assert re.findall(r'<option value="(\d+)"', field) == ["0", "1"]
    assert f'name="next" value="{url}"' in page
    assert "watched" not in response.cookies
    assert not WatchProgress.objects.filter(user=user).exists()


def test_an_unknown_show_gets_a_clear_error(world, client):
    for show in ("", "0", "99999", "abc"):
        response = client.post(reverse("guide:set_progress"), {"show": show, "seasons_watched": 0})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "Choose a show from the guide." in response.content.decode()


def test_settings_offer_only_released_seasons(world):
    client = fan(world, 1)
    page = client.get(reverse("accounts:settings")).content.decode()
    form = page[page.index(f'id="watched-{world["show"].pk}"') :]
    form = form[: form.index("</select>")]
    assert re.findall(r'<option value="(\d+)"', form) == ["0", "1"]
    assert '<option value="1" selected>' in form


def test_ive_seen_it_is_offered_only_for_a_season_that_is_out(world):
    FactFactory(season=world["s2"], question="Who returns?", answer="Nam-ra.", spoiler_season=1)
    FactFactory(season=world["s2"], question="Who leads?", answer="Su-hyeok.", spoiler_season=2)
    page = Client().get(world["s2"].get_absolute_url()).content.decode()
    reveals = re.findall(r'<details class="spoiler">.*?</details>', page, re.S)
    seen_buttons = [re.search(r"I've seen season (\d)", r) for r in reveals]
    assert sorted(m.group(1) for m in seen_buttons if m) == ["1"]
    assert len(reveals) == 2


# The spoiler menus of the fans' forms ---------------------------------------------------------


def spoiler_options(html: str) -> list[str]:
    select = html[html.index('name="spoiler_season"') :]
    return re.findall(r'<option value="(\d*)"', select[: select.index("</select>")])


def test_the_theory_form_offers_only_seasons_that_exist(world):
    client = fan(world, 1)
    html = client.get(reverse("guide:theory_create")).content.decode()
    assert spoiler_options(html) == ["", "1", "2", "3"]


def test_a_theory_cannot_spoil_a_season_its_show_does_not_have(world):
    other = ShowFactory(title="Sweet Home", slug="sweet-home")
    SeasonFactory(show=other, number=1, status=SeasonStatus.ANNOUNCED)
    client = fan(world, 1)
    data = {
        "season": other.seasons.get().pk,
        "title": "Hyun-su wakes up",
        "body": "He does.",
        "spoiler_season": "3",
        "spoiler_free_title": "A morning in the tower",
    }
    response = client.post(reverse("guide:theory_create"), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors["spoiler_season"] == [
        "Sweet Home has no season 3. Choose a season it has."
    ]
    data["spoiler_season"] = "7"  # beyond any show's seasons: not in the menu at all
    response = client.post(reverse("guide:theory_create"), data)
    assert response.context["form"].errors["spoiler_season"] == [
        "Choose one of the seasons in the list."
    ]


def test_the_comment_form_offers_the_seasons_of_the_theorys_show(world):
    other = ShowFactory(title="Sweet Home", slug="sweet-home")
    for number in range(1, 6):
        SeasonFactory(show=other, number=number)
    client = fan(world, 1)
    theory = world["theory"]
    assert spoiler_options(client.get(theory.get_absolute_url()).content.decode()) == [
        "",
        "1",
        "2",
        "3",
    ]
    response = client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": "Yes!", "spoiler_season": "5"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["comment_form"].errors["spoiler_season"] == [
        "Choose one of the seasons in the list."
    ]
    comment = CommentFactory(theory=theory, author=response.wsgi_request.user)
    html = client.get(reverse("guide:comment_edit", args=[comment.pk])).content.decode()
    assert spoiler_options(html) == ["", "1", "2", "3"]


def test_a_control_with_the_prompt_answered_never_hides_what_was_watched(world):
    """The control changes nothing by itself: a season-1 reader still sees season 1."""
    FactFactory(season=world["s2"], question="Who returns?", answer="Nam-ra.", spoiler_season=1)
    page = open_part(fan(world, 1).get(world["s2"].get_absolute_url()).content.decode())
    assert "Who returns?" in page
