"""The spoiler shield on every page, for visitors (signed cookie) and fans (their account).

An item tagged with spoiler season N is inside a <details class="spoiler"> exactly when
the reader has not told how far they watched the show, or has watched fewer than N
seasons; otherwise it is shown openly. Nothing tagged ever reaches the <head>.
"""

import datetime
import json
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import services
from guide.models import SeasonStatus, WatchProgress
from guide.reading import PROGRESS_COOKIE, PROGRESS_SALT
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    CommentFactory,
    FactFactory,
    SeasonFactory,
    ShowFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Reading a page ---------------------------------------------------------------------------


def squash(text: str) -> str:
    return " ".join(text.split())


class ShieldPage(HTMLParser):
    """A page's text split into shielded (inside <details class="spoiler">) and open text,
    what its <head> tells previews and search engines, and its forms."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._details: list[bool] = []  # per open <details>: is it a spoiler shield?
        self._asides: list[bool] = []  # per open <aside>: is it the watch prompt?
        self._inside: list[str] = []
        self._outside: list[str] = []
        self._head_text: list[str] = []
        self._in_head = self._in_title = self._in_ld = False
        self._form: dict | None = None
        self.forms: list[dict] = []
        self.feed(html)
        self.close()

    @property
    def shielded_now(self) -> bool:
        return any(self._details)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        classes = attrs.get("class", "").split()
        if tag == "head":
            self._in_head = True
        elif tag == "title" and self._in_head:
            self._in_title = True
        elif tag == "meta":
            name, prop = attrs.get("name", ""), attrs.get("property", "")
            if name == "description" or prop.startswith("og:") or name.startswith("twitter:"):
                self._head_text.append(attrs.get("content", ""))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
        elif tag == "details":
            self._details.append("spoiler" in classes)
        elif tag == "aside":
            self._asides.append("watch-prompt" in classes)
        elif tag == "form":
            self._form = {
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get").lower(),
                "in_spoiler": self.shielded_now,
                "in_prompt": any(self._asides),
                "inputs": {},
            }
            self.forms.append(self._form)
        elif tag in ("input", "select") and self._form is not None and attrs.get("name"):
            self._form["inputs"][attrs["name"]] = attrs.get("value")
        # Text in attributes a reader (or a screen reader) meets counts as page text.
        for name in ("title", "alt", "aria-label"):
            if attrs.get(name):
                self._text(attrs[name])

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "script":
            self._in_ld = False
        elif tag == "details" and self._details:
            self._details.pop()
        elif tag == "aside" and self._asides:
            self._asides.pop()
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._in_title or self._in_ld:
            self._head_text.append(data)
        self._text(data)

    def _text(self, text):
        (self._inside if self.shielded_now else self._outside).append(text)

    @property
    def inside(self) -> str:
        return squash("".join(self._inside))

    @property
    def outside(self) -> str:
        return squash("".join(self._outside))

    @property
    def head(self) -> str:
        """<title>, meta description, og:* and twitter:* contents, and JSON-LD."""
        parts = []
        for part in self._head_text:
            try:  # JSON-LD escapes <, > and & as \\u003C…; read it as data.
                parts.append(json.dumps(json.loads(part), ensure_ascii=False))
            except ValueError:
                parts.append(part)
        return squash(" ".join(parts))

    def prompt_forms(self) -> list[dict]:
        return [form for form in self.forms if form["in_prompt"]]

    def spoiler_forms(self) -> list[dict]:
        return [form for form in self.forms if form["in_spoiler"]]


def read(response) -> ShieldPage:
    assert response.status_code == HTTPStatus.OK, response
    return ShieldPage(response.content.decode())


def assert_shielded(page: ShieldPage, text: str):
    text = squash(text)
    assert text in page.inside, f"{text!r} should be inside a spoiler shield"
    assert text not in page.outside, f"{text!r} leaks outside the spoiler shield"


def assert_open(page: ShieldPage, text: str):
    text = squash(text)
    assert text in page.outside, f"{text!r} should be shown openly"
    assert text not in page.inside, f"{text!r} is shielded although the reader watched it"


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
    show = ShowFactory(title="Hyosan Survival", slug="hyosan-survival", is_featured=True)
    s1 = SeasonFactory(
        show=show,
        number=1,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
    )
    s2 = SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    hero = CharacterFactory(show=show, name="Kim Hero", slug="kim-hero")
    CharacterStatusFactory(character=hero, season=s1, status="dead", note=STATUS_NOTE)
    CharacterStatusFactory(character=hero, season=s2, status="unknown")
    FactFactory(season=s2, question="Is it renewed?", answer="Yes, officially.", order=1)
    FactFactory(season=s2, question=FACT_Q, answer=FACT_A, spoiler_season=1, order=2)
    FactFactory(season=s2, question=FACT2_Q, answer=FACT2_A, spoiler_season=2, order=3)
    author = UserFactory(username="author")
    theory = services.post_theory(
        author=author,
        season=s2,
        title=TITLE,
        body=BODY,
        characters=[hero],
        spoiler_season=1,
    )
    CommentFactory(theory=theory, body=COMMENT, spoiler_season=1)
    CommentFactory(theory=theory, body="An open comment about the poster.")
    # Another show's spoiler: answering for the first show reveals nothing of it.
    other_show = ShowFactory(title="Ferry Tales", slug="ferry-tales")
    other_season = SeasonFactory(show=other_show, number=1)
    services.post_theory(
        author=author, season=other_season, title=OTHER_TITLE, body="Sinks.", spoiler_season=1
    )
    return {
        "show": show,
        "s1": s1,
        "s2": s2,
        "hero": hero,
        "author": author,
        "theory": theory,
        "reader": UserFactory(username="reader"),
        "other_show": other_show,
    }


# page name -> (url, the spoiler keys that page carries, whether it asks for progress)
PAGES = {
    "home": (lambda w: reverse("guide:home"), ["title"], True),  # asks about the featured show
    "show": (lambda w: w["show"].get_absolute_url(), ["title"], True),
    "season": (
        lambda w: w["s2"].get_absolute_url(),
        ["title", "fact_q", "fact_a", "fact2_q", "fact2_a"],
        True,
    ),
    "season_cast": (lambda w: w["s1"].get_absolute_url(), ["status_label", "status_note"], True),
    "character": (
        lambda w: w["hero"].get_absolute_url(),
        ["title", "status_label", "status_note"],
        True,
    ),
    "theory_list": (lambda w: reverse("guide:theory_list"), ["title"], False),
    "theory": (lambda w: w["theory"].get_absolute_url(), ["title", "body", "comment"], True),
    "profile": (lambda w: reverse("accounts:profile", args=["author"]), ["title"], False),
    "search": (lambda w: reverse("guide:search") + "?q=Zebra", ["title", "fact_q"], False),
}

NOT_ANSWERED = None
LEVELS = [NOT_ANSWERED, 0, 1, 2]


def reader_client(world, mode: str, level: int | None) -> Client:
    """A visitor (cookie) or a signed-in fan (account) who answered `level`, or not at all."""
    client = Client()
    if mode == "fan":
        client.force_login(world["reader"])
    if level is not NOT_ANSWERED:
        response = client.post(
            reverse("guide:set_progress"),
            {"show": world["show"].pk, "seasons_watched": level},
        )
        assert response.status_code == HTTPStatus.FOUND
    return client


def should_shield(level, spoiler_season) -> bool:
    return level is NOT_ANSWERED or level < spoiler_season


# The matrix ----------------------------------------------------------------------------


def check_page(world, page_name: str, page: ShieldPage, level) -> None:
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
            assert squash(text) not in page.head, f"{text!r} leaks into <head>"
    # First visit: asked once, with a form to the progress setting; answered: gone.
    prompts = page.prompt_forms()
    if asks and level is NOT_ANSWERED:
        assert len(prompts) == 1
        assert prompts[0]["action"] == reverse("guide:set_progress")
        assert prompts[0]["method"] == "post"
        assert prompts[0]["inputs"]["show"] == str(world["show"].pk)
        assert "seasons_watched" in prompts[0]["inputs"]
    else:
        assert prompts == []


@pytest.mark.parametrize("mode", ["visitor", "fan"])
@pytest.mark.parametrize("level", LEVELS, ids=["unanswered", "nothing", "s1", "s2"])
def test_spoilers_are_shielded_exactly_until_watched(world, level, mode):
    """Every page type for one reader; every failing page is reported, not just the first."""
    client = reader_client(world, mode, level)
    failures = []
    for page_name, (url_of, _keys, _asks) in PAGES.items():
        page = read(client.get(url_of(world)))
        try:
            check_page(world, page_name, page, level)
        except AssertionError as error:
            failures.append(f"{page_name}: {str(error).splitlines()[0]}")
    assert not failures, "\n".join(failures)


def test_every_shield_is_labelled_with_its_season(world, client):
    page = read(client.get(world["s2"].get_absolute_url()))
    body = client.get(world["s2"].get_absolute_url()).content.decode()
    assert "Spoiler · season 1" in page.inside
    assert "Spoiler · season 2" in page.inside
    assert body.count('<details class="spoiler">') == body.count("Spoiler · season")


# Changing the setting ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["visitor", "fan"])
@pytest.mark.parametrize("level", [NOT_ANSWERED, 0], ids=["unanswered", "nothing"])
def test_ive_seen_it_form_inside_the_shield_reveals(world, mode, level):
    client = reader_client(world, mode, level)
    url = world["theory"].get_absolute_url()
    page = read(client.get(url))
    assert_shielded(page, TITLE)
    forms = page.spoiler_forms()
    assert forms, "a shielded item carries an 'I've seen it' form"
    form = forms[0]
    assert form["action"] == reverse("guide:set_progress")
    assert form["method"] == "post"
    assert form["inputs"]["seasons_watched"] == "1"
    assert form["inputs"]["show"] == str(world["show"].pk)
    assert form["inputs"]["next"] == url
    data = {name: value for name, value in form["inputs"].items() if value is not None}
    data.pop("csrfmiddlewaretoken", None)
    response = client.post(form["action"], data)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    page = read(client.get(url))
    assert_open(page, TITLE)
    assert_open(page, BODY)
    assert_open(page, COMMENT)
    assert page.prompt_forms() == []
    if mode == "fan":
        progress = WatchProgress.objects.get(user=world["reader"], show=world["show"])
        assert progress.seasons_watched == 1


def test_fan_setting_lives_in_the_account_not_the_browser(world):
    first = reader_client(world, "fan", 2)
    assert "watched" not in first.cookies or not first.cookies["watched"].value
    second = Client()
    second.force_login(world["reader"])
    assert_open(read(second.get(world["theory"].get_absolute_url())), TITLE)


def test_fan_changes_the_setting_on_the_settings_page(world):
    client = reader_client(world, "fan", 2)
    response = client.get(reverse("accounts:settings"))
    page = ShieldPage(response.content.decode())
    progress_forms = [
        form
        for form in page.forms
        if form["action"] == reverse("guide:set_progress")
        and form["inputs"].get("show") == str(world["show"].pk)
    ]
    assert len(progress_forms) == 1
    assert "seasons_watched" in progress_forms[0]["inputs"]
    assert '<option value="2" selected>' in response.content.decode()
    # Back to "nothing yet": everything tagged is shielded again.
    response = client.post(
        reverse("guide:set_progress"),
        {
            "show": world["show"].pk,
            "seasons_watched": 0,
            "next": reverse("accounts:settings"),
        },
    )
    assert response["Location"] == reverse("accounts:settings")
    assert WatchProgress.objects.get(user=world["reader"], show=world["show"]).seasons_watched == 0
    assert_shielded(read(client.get(world["theory"].get_absolute_url())), TITLE)


def test_visitor_answers_are_kept_per_show(world):
    client = reader_client(world, "visitor", 1)
    client.post(
        reverse("guide:set_progress"), {"show": world["other_show"].pk, "seasons_watched": 0}
    )
    page = read(client.get(reverse("guide:theory_list")))
    assert_open(page, TITLE)  # the first answer survived the second
    assert_shielded(page, OTHER_TITLE)
    assert read(client.get(world["other_show"].get_absolute_url())).prompt_forms() == []


# Forged cookies -----------------------------------------------------------------------------


def _signed(value: str, salt: str = PROGRESS_SALT) -> str:
    response = HttpResponse()
    response.set_signed_cookie(PROGRESS_COOKIE, value, salt=salt)
    return response.cookies[PROGRESS_COOKIE].value


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda pk: json.dumps({str(pk): 9}), id="unsigned"),
        pytest.param(lambda pk: _signed(json.dumps({str(pk): 9}), salt="other"), id="wrong-salt"),
        pytest.param(
            lambda pk: _signed(json.dumps({str(pk): 0})).replace(f'"{pk}": 0', f'"{pk}": 9'),
            id="payload-changed",
        ),
        pytest.param(lambda pk: _signed(json.dumps({str(pk): 9}))[:-2] + "xx", id="bad-signature"),
        pytest.param(lambda pk: "garbage:::", id="garbage"),
    ],
)
def test_tampered_progress_cookie_is_ignored(world, forge):
    client = Client()
    client.cookies[PROGRESS_COOKIE] = forge(world["show"].pk)
    for url in [world["theory"].get_absolute_url(), world["s2"].get_absolute_url()]:
        page = read(client.get(url))
        assert_shielded(page, TITLE)
        assert len(page.prompt_forms()) == 1  # still unanswered


def test_genuine_signed_cookie_is_honoured(world):
    """The control for the forgeries above: a properly signed cookie does reveal."""
    client = Client()
    client.cookies[PROGRESS_COOKIE] = _signed(json.dumps({str(world["show"].pk): 1}))
    assert_open(read(client.get(world["theory"].get_absolute_url())), TITLE)


# Query budgets --------------------------------------------------------------------------------

SHIELDED_PAGES = {
    "season": (lambda w: w["s2"].get_absolute_url(), 9),  # one of them lists the episodes
    "theory_list": (lambda w: reverse("guide:theory_list"), 6),
    "character": (lambda w: w["hero"].get_absolute_url(), 7),
    "theory": (lambda w: w["theory"].get_absolute_url(), 8),
    "home": (lambda w: reverse("guide:home"), 6),
}


def _grow(world, n=8):
    show, s1, s2, hero = world["show"], world["s1"], world["s2"], world["hero"]
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
        CommentFactory(theory=world["theory"], author=fan, spoiler_season=1 + i % 2)


def test_shielded_pages_make_constant_queries(world, django_assert_max_num_queries):
    readers = {
        "visitor-unanswered": reader_client(world, "visitor", NOT_ANSWERED),
        "visitor-s1": reader_client(world, "visitor", 1),
        "fan-s1": reader_client(world, "fan", 1),
    }
    urls = {name: url_of(world) for name, (url_of, _) in SHIELDED_PAGES.items()}

    def measure():
        counts = {}
        for who, client in readers.items():
            for name, url in urls.items():
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == HTTPStatus.OK
                counts[f"{who}:{name}"] = len(queries)
        return counts

    measure()  # warm up sessions and content types
    small = measure()
    _grow(world)
    large = measure()
    print("spoiler-shield query counts (small -> large):", {k: (small[k], large[k]) for k in small})
    assert large == small
    for client in readers.values():
        for name, url in urls.items():
            with django_assert_max_num_queries(SHIELDED_PAGES[name][1]):
                client.get(url)
