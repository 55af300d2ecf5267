"""The interface in Korean.

The Korean catalogue is complete (every entry translated, nothing fuzzy, placeholders
intact), and every page follows the reader's language on the same URL: Accept-Language
first, then the footer's language switcher, whose cookie wins from then on. What editors
and fans wrote is never translated.
"""

import gettext as gettext_module
import os
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.signals import setting_changed
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.kit.html import Page
from tests.kit.worlds import ORIGINAL_TITLE, SHOW_TITLE, THEORY_TITLE, build_world

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

KO = {"accept-language": "ko"}
EN = {"accept-language": "en"}

# The header's main navigation, in each language.
NAV = {"ko": ["작품", "이론", "예측 순위"], "en": ["Shows", "Theories", "Leaderboard"]}


def read_catalogue():
    with PO_FILE.open("rb") as po:
        return read_po(po)


def forget_loaded_catalogues():
    """Make Django (and gettext, which caches .mo files by path) read the catalogue anew."""
    gettext_module._translations.clear()
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
    )


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue():
    """`make test` compiles the catalogue first; a bare pytest run compiles it here.

    Compiled when the .mo is missing or older than the .po, with Babel like the Makefile,
    then Django's translation cache is dropped so that it loads the fresh file.
    """
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        catalogue = read_catalogue()
        # Written aside and renamed, so that a parallel worker never reads half a file.
        partial = MO_FILE.with_name(f"django.mo.{os.getpid()}")
        with partial.open("wb") as mo:
            write_mo(mo, catalogue)
        partial.replace(MO_FILE)
        forget_loaded_catalogues()
    return MO_FILE


@pytest.fixture
def world(db):
    return build_world()


# Reading pages ---------------------------------------------------------------------


def visit(client: Client, url: str, headers: dict | None = None) -> Page:
    response = client.get(url, headers=headers or {})
    assert response.status_code == HTTPStatus.OK, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    return Page(response.content.decode())


def main_nav(page: Page) -> list[str]:
    """The header's navigation: the first <nav> on every page."""
    return page.nav_links(0)


# The catalogue ----------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def test_catalogue_header_is_korean_with_one_plural_form():
    header = PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: ko\\n"' in header
    assert re.search(r'"Content-Type: text/plain; charset=utf-8\\n"', header, re.IGNORECASE)
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert "#, fuzzy" not in header, "the header entry is still marked fuzzy"
    catalogue = read_catalogue()
    assert catalogue.num_plurals == 1
    assert not catalogue.fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = read_catalogue()
    messages = [message for message in catalogue if message.id]
    assert len(messages) > 400, "the catalogue lost its entries"
    untranslated, fuzzy = [], []
    for message in messages:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not strings or not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_translations_keep_their_placeholders():
    broken = []
    for message in read_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple):
            # Korean has one plural form: msgstr[0] stands for every count.
            assert len(strings) == 1, (message.id, strings)
        expected = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            if sorted(set(PLACEHOLDER.findall(string))) != expected:
                broken.append((ids[0], string))
    assert not broken, f"placeholders lost or invented: {broken}"


def test_brand_names_are_not_translated():
    catalogue = read_catalogue()
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple):
            continue
        for brand in ("Next Season", "Markdown"):
            if brand in message.id:
                assert brand in message.string, (message.id, message.string)


def test_compiled_catalogue_is_what_django_uses(compiled_catalogue):
    assert compiled_catalogue.exists()
    with translation.override("ko"):
        assert translation.gettext("Shows") == "작품"
        assert translation.gettext("Leaderboard") == "예측 순위"
        assert translation.ngettext("%(n)s comment", "%(n)s comments", 1) == "댓글 %(n)s개"
        assert translation.ngettext("%(n)s comment", "%(n)s comments", 7) == "댓글 %(n)s개"
    with translation.override("en"):
        assert translation.gettext("Shows") == "Shows"


# Pages follow Accept-Language on the same URL ----------------------------------------

# url name (with arguments from the world), then phrases that must appear in each language.
PAGES = [
    pytest.param(
        ("guide:home", ()),
        {"ko": ["인기 이론", "다가오는 시즌", "추천 작품"], "en": ["Hot theories", "Next seasons"]},
        id="home",
    ),
    pytest.param(
        ("guide:show_list", ()),
        {"ko": ["작품"], "en": ["Shows"]},
        id="show-list",
    ),
    pytest.param(
        ("guide:season", ("show_slug", 2)),
        {
            "ko": [f"{SHOW_TITLE} 시즌 2, 지금까지 알려진 모든 것", "한눈에 보기", "제작 확정"],
            "en": [f"Everything we know about {SHOW_TITLE} season 2", "At a glance", "Announced"],
        },
        id="season-guide",
    ),
    pytest.param(
        ("guide:show", ("show_slug",)),
        {"ko": ["캐릭터와 출연진", "인기 이론"], "en": ["Characters and cast", "Hot theories"]},
        id="show",
    ),
    pytest.param(
        ("guide:theory_list", ()),
        {"ko": ["팬 이론", "인기순", "필터 적용"], "en": ["Fan theories", "Hot", "Filter"]},
        id="theory-list",
    ),
    pytest.param(
        ("guide:theory", ("theory_pk", "theory_slug")),
        {"ko": ["로그인하고 댓글 쓰기", "댓글 0개"], "en": ["Log in to comment", "0 comments"]},
        id="theory",
    ),
    pytest.param(
        ("guide:leaderboard", ()),
        {"ko": ["예측 순위", "전체 작품"], "en": ["Prediction leaderboard", "All shows"]},
        id="leaderboard",
    ),
    pytest.param(
        ("accounts:login", ()),
        {"ko": ["로그인", "계정 만들기"], "en": ["Log in", "Create an account"]},
        id="login",
    ),
    pytest.param(
        ("accounts:signup", ()),
        {"ko": ["회원가입", "이미 계정이 있나요?"], "en": ["Sign up", "Already have an account?"]},
        id="signup",
    ),
    pytest.param(
        ("guide:search", ()),
        {
            "ko": ["검색", "작품, 시즌, 캐릭터, 배우, 정보, 이론을 검색해 보세요."],
            "en": ["Search", "Search shows, seasons, characters, actors, facts and theories."],
        },
        id="search",
    ),
    pytest.param(
        ("guide:moderation_log", ()),
        {"ko": ["운영 기록"], "en": ["Moderation log"]},
        id="moderation-log",
    ),
]


def url_for(world, name: str, args: tuple) -> str:
    # A theory nobody has commented on yet: the page says "0 comments".
    uncommented = world.spoiler_theory
    values = {
        "show_slug": world.show.slug,
        "theory_pk": uncommented.pk,
        "theory_slug": uncommented.slug,
    }
    return reverse(name, args=[values.get(arg, arg) for arg in args])


@pytest.mark.parametrize(("route", "phrases"), PAGES)
def test_page_speaks_the_readers_language(client, world, route, phrases):
    url = url_for(world, *route)
    assert not url.startswith("/ko/"), "one URL for every language"

    korean = client.get(url, headers=KO)
    assert korean.status_code == HTTPStatus.OK
    assert korean["Content-Language"] == "ko"
    assert "Accept-Language" in korean["Vary"], "caches must keep the languages apart"
    page = Page(korean.content.decode())
    assert page.lang == "ko"
    assert main_nav(page) == NAV["ko"]
    for phrase in phrases["ko"]:
        assert phrase in page.text, (url, phrase)

    english = visit(client, url, EN)
    assert english.lang == "en"
    assert main_nav(english) == NAV["en"]
    for phrase in phrases["en"]:
        assert phrase in english.text, (url, phrase)
    for phrase in phrases["ko"]:
        assert phrase not in english.text, (url, phrase)


def test_a_korean_browser_with_a_region_gets_korean(client, world):
    page = visit(client, reverse("guide:show_list"), {"accept-language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert page.lang == "ko"
    assert main_nav(page) == NAV["ko"]


def test_there_is_no_language_prefix(client, world):
    assert reverse("guide:show_list") == "/shows/"
    assert client.get("/ko/shows/", headers=KO).status_code == HTTPStatus.NOT_FOUND


def test_search_results_count_in_korean(client, world):
    url = reverse("guide:search") + "?q=dead"
    korean = visit(client, url, KO)
    assert re.search(r"“dead” 검색 결과 \d+건", korean.text), korean.text
    english = visit(client, url, EN)
    assert re.search(r"\d+ results? for “dead”", english.text)


def test_not_found_page_is_korean(client, db):
    response = client.get("/no-such-page/", headers=KO)
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = Page(response.content.decode())
    assert page.lang == "ko"
    assert "페이지를 찾을 수 없어요" in page.h1


def test_signed_in_fan_sees_korean_account_links(fan_client, world):
    page = visit(fan_client, reverse("guide:home"), KO)
    for phrase in ("이론 올리기", "설정", "로그아웃"):
        assert phrase in page.text
    assert "Log out" not in page.text


# What fans and editors wrote is never translated -------------------------------------


@pytest.mark.parametrize("headers", [KO, EN], ids=["ko", "en"])
def test_content_appears_unchanged(client, world, headers):
    show, season, theory = world.show, world.s2, world.theory
    home = visit(client, reverse("guide:home"), headers)
    assert SHOW_TITLE in home.text
    assert ORIGINAL_TITLE in home.text
    assert THEORY_TITLE in home.text

    guide = visit(client, season.get_absolute_url(), headers)
    assert SHOW_TITLE in guide.text
    assert THEORY_TITLE in guide.text

    detail = visit(client, theory.get_absolute_url(), headers)
    assert THEORY_TITLE in detail.h1 or THEORY_TITLE in detail.text
    assert theory.body.replace("*", "") in detail.text

    shows = visit(client, reverse("guide:show_list"), headers)
    assert SHOW_TITLE in shows.text
    assert show.title == SHOW_TITLE


# The footer's language switcher -------------------------------------------------------


def switch_language(client: Client, page: Page, code: str):
    form = page.form(reverse("set_language"))
    assert form.method == "post"
    options = {option.value: option.label for option in form.options["language"]}
    assert options == {"en": "English", "ko": "한국어"}, "each language named in itself"
    data = dict(form.fields, language=code)
    return client.post(form.action, data)


def test_switcher_keeps_the_site_korean_whatever_the_browser_says(world):
    client = Client(enforce_csrf_checks=True)
    url = reverse("guide:show_list")
    page = visit(client, url, EN)
    assert page.lang == "en"
    form = page.form(reverse("set_language"))
    assert form.selected("language") == ["en"]
    assert form.fields["next"] == url

    response = switch_language(client, page, "ko")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url, "back to the page the reader was on"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"

    for name, args in (("guide:show_list", ()), ("guide:home", ()), ("guide:leaderboard", ())):
        page = visit(client, reverse(name, args=args), EN)
        assert page.lang == "ko", name
        assert main_nav(page) == NAV["ko"], name
    page = visit(client, url)  # no Accept-Language at all
    assert page.lang == "ko"
    korean_form = page.form(reverse("set_language"))
    assert korean_form.selected("language") == ["ko"]
    assert "변경" in korean_form.button_labels

    # And back: English sticks even for a Korean browser.
    response = switch_language(client, page, "en")
    assert response.status_code == HTTPStatus.FOUND
    page = visit(client, url, KO)
    assert page.lang == "en"
    assert main_nav(page) == NAV["en"]


def test_switcher_refuses_an_unknown_language(client, world):
    url = reverse("guide:show_list")
    response = client.post(reverse("set_language"), {"language": "xx", "next": url})
    assert response.status_code == HTTPStatus.FOUND
    assert client.cookies.get(settings.LANGUAGE_COOKIE_NAME) is None
    assert visit(client, url, EN).lang == "en"
