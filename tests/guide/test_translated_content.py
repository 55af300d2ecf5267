"""Editors' content in English and Korean (guide/translation.py).

A reader is shown each field in their language; where it has no text there, the other
language's, inside an element that says which (`lang`). Search finds either language for
any reader; a page reads no more for being translated; migration 0035 keeps what was
written as the English.
"""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from guide import transfer
from guide.models import Character, CharacterStatus, Episode, Fact, Person, Season, Show
from guide.models.translated import columns_of, shown_language
from tests.factories import (
    CharacterFactory,
    FactFactory,
    PersonFactory,
    SeasonFactory,
    ShowFactory,
)
from tests.guide.test_pages import PAGES
from tests.guide.test_pages import world as world  # the fixture
from tests.kit.counts import count_queries
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db

KOREAN = {"accept-language": "ko"}
ENGLISH = {"accept-language": "en"}
TRANSLATED = (Show, Season, Episode, Person, Character, CharacterStatus, Fact)


@pytest.fixture
def guide(db):
    show = ShowFactory(
        title="Hyosan High",
        title_ko="효산고",
        slug="hyosan",
        tagline="Overrun by noon.",  # no Korean: a Korean reader reads this
        synopsis="A school under siege.",
        synopsis_ko="포위된 학교 이야기예요.",
    )
    season = SeasonFactory(
        show=show,
        number=1,
        status="released",
        release_date=datetime.date(2022, 1, 28),
        title="",  # Korean only: an English reader reads the Korean
        title_ko="첫 번째 학기",
        synopsis="The first outbreak.",
        synopsis_ko="첫 번째 감염이에요.",
    )
    fact = FactFactory(
        season=season,
        question="When did it air?",
        question_ko="언제 공개됐나요?",
        answer="In January.",  # no Korean answer
    )
    actor = PersonFactory(name="Park Ji-hu", name_ko="박지후", slug="park-ji-hu")
    character = CharacterFactory(
        show=show,
        name="Nam On-jo",
        name_ko="남온조",
        slug="nam-on-jo",
        actor=actor,
        description="Brave and clever.",
        description_ko="용감하고 영리해요.",
    )
    return {"show": show, "season": season, "fact": fact, "character": character}


def body(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


# Pages in each language ----------------------------------------------------------------


def test_a_korean_reader_reads_the_korean_and_the_rest_marked_english(client, guide):
    korean = body(client.get(guide["season"].get_absolute_url(), headers=KOREAN))
    assert page_of(client.get(guide["season"].get_absolute_url(), headers=KOREAN)).lang == "ko"
    # In the page's language: no attribute.
    assert '<p class="lede">첫 번째 학기</p>' in korean
    assert "<p>첫 번째 감염이에요.</p>" in korean
    assert "<h3>언제 공개됐나요?</h3>" in korean
    assert "효산고 시즌 1, 지금까지 알려진 모든 것" in korean
    # No Korean answer: the English one, in an element that says so.
    assert '<div lang="en"><p>In January.</p></div>' in korean
    assert "The first outbreak." not in korean

    show = body(client.get(guide["show"].get_absolute_url(), headers=KOREAN))
    assert '<p class="lede"><span lang="en">Overrun by noon.</span></p>' in show
    assert "<p>포위된 학교 이야기예요.</p>" in show
    character = body(client.get(guide["character"].get_absolute_url(), headers=KOREAN))
    assert "<p>용감하고 영리해요.</p>" in character
    assert (
        "남온조" in page_of(client.get(guide["character"].get_absolute_url(), headers=KOREAN)).h1[0]
    )


def test_an_english_reader_reads_the_english_and_the_rest_marked_korean(client, guide):
    english = body(client.get(guide["season"].get_absolute_url(), headers=ENGLISH))
    assert '<p class="lede"><span lang="ko">첫 번째 학기</span></p>' in english
    assert "<p>The first outbreak.</p>" in english
    assert "<h3>When did it air?</h3>" in english
    assert '<div lang="en">' not in english
    for korean in ("첫 번째 감염이에요.", "언제 공개됐나요?", "효산고"):
        assert korean not in english


def test_the_korean_title_names_the_page_for_link_previews(client, guide):
    guide["show"].original_title = "효산고"
    guide["show"].save()
    page = page_of(client.get(guide["show"].get_absolute_url(), headers=KOREAN))
    assert "효산고" in page.title
    [series] = [each for each in page.json_ld() if each["@type"] == "TVSeries"]
    assert series["name"] == "효산고"
    assert "alternateName" not in series  # the original title is the name already
    english = page_of(client.get(guide["show"].get_absolute_url(), headers=ENGLISH))
    assert "Hyosan High" in english.title
    [series] = [each for each in english.json_ld() if each["@type"] == "TVSeries"]
    assert (series["name"], series["alternateName"]) == ("Hyosan High", "효산고")


def test_the_mark_says_which_language_each_text_falls_back_to(guide):
    season, show = guide["season"], guide["show"]
    template = Template('{% load languages %}{% tr row "title" %}|{% tr row "synopsis" %}')
    with translation.override("en"):
        assert shown_language(season, "title") == "ko"
        assert template.render(Context({"row": season})) == (
            '<span lang="ko">첫 번째 학기</span>|The first outbreak.'
        )
    with translation.override("ko"):
        assert template.render(Context({"row": show})) == "효산고|포위된 학교 이야기예요."
        assert shown_language(show, "tagline") == "en"
        # A field in one language only, or with no text at all, is never marked.
        assert shown_language(show, "platform") is None
        show.content_advisories_en = show.content_advisories_ko = None
        assert shown_language(show, "content_advisories") is None
        assert (
            Template('{% load languages %}{% tr row "platform" %}').render(Context({"row": show}))
            == show.platform
        )
        escaped = Template('{% load languages %}{% tr row "title" %}')
        show.title_ko = "<b>효산</b>"
        assert escaped.render(Context({"row": show})) == "&lt;b&gt;효산&lt;/b&gt;"


def test_the_fields_own_column_keeps_the_english_whoever_saves(guide):
    show = guide["show"]
    with translation.override("ko"):
        show.title = "효산고등학교"  # a Korean editor's change is the Korean column's
        show.save()
    show.refresh_from_db()
    assert (show.title_en, show.title_ko) == ("Hyosan High", "효산고등학교")
    assert Show.objects.filter(title="Hyosan High").exists()  # orderings and lookups
    assert Show.objects.values_list("title", flat=True).get() == "Hyosan High"


def test_a_facts_natural_key_is_its_english_question_in_any_language(guide):
    fact = guide["fact"]
    with translation.override("ko"):
        assert fact.question == "언제 공개됐나요?"
        key = fact.natural_key()
        assert key == ("hyosan", 1, "When did it air?")
        assert Fact.objects.get_by_natural_key(*key) == fact


# Search ----------------------------------------------------------------------------------


def group(html: str, kind: str) -> str:
    match = re.search(
        rf'<section class="result-group" aria-labelledby="r-{kind}">(.*?)</section>', html, re.S
    )
    return match.group(1) if match else ""


@pytest.mark.parametrize("reader", [ENGLISH, KOREAN])
def test_search_finds_either_language_for_any_reader(client, guide, reader):
    def found(query: str, kind: str) -> str:
        return group(body(client.get(reverse("guide:search"), {"q": query}, headers=reader)), kind)

    for query in ("효산고", "Hyosan"):
        assert guide["show"].get_absolute_url() in found(query, "shows"), query
    for query in ("감염이에요", "first outbreak", "번째 학기"):
        assert guide["season"].get_absolute_url() in found(query, "seasons"), query
    for query in ("남온조", "On-jo", "박지후"):
        assert guide["character"].get_absolute_url() in found(query, "characters"), query
    for query in ("공개됐나요", "did it air"):
        assert f"#fact-{guide['fact'].pk}" in found(query, "facts"), query
    assert found("효산고 zombieland", "seasons") == ""  # every word must match


def test_a_korean_match_is_highlighted_and_marked(client, guide):
    html = body(client.get(reverse("guide:search"), {"q": "번째"}, headers=ENGLISH))
    assert '<span lang="ko">첫 <mark>번째</mark> 학기</span>' in group(html, "seasons")


# The read API ----------------------------------------------------------------------------


def test_the_api_answers_every_language_alike_with_the_korean_beside(client, guide):
    url = "/api/v1/shows/hyosan/seasons/1/facts?watched=1"
    english = client.get(url, headers=ENGLISH)
    korean = client.get(url, headers=KOREAN)
    assert english.content == korean.content
    assert english["ETag"] == korean["ETag"]
    [fact] = korean.json()["items"]
    assert (fact["question"], fact["question_ko"]) == ("When did it air?", "언제 공개됐나요?")
    assert (fact["answer"], fact["answer_ko"]) == ("In January.", None)
    assert client.get(url, headers={**KOREAN, "if-none-match": english["ETag"]}).status_code == (
        HTTPStatus.NOT_MODIFIED
    )
    show = client.get("/api/v1/shows/hyosan", headers=KOREAN).json()
    assert (show["title"], show["title_ko"], show["tagline_ko"]) == ("Hyosan High", "효산고", None)


def test_the_api_shields_the_korean_as_the_english(client, guide):
    fact = guide["fact"]
    fact.spoiler_season = 1
    fact.save()
    answer = client.get(f"/api/v1/facts/{fact.pk}", headers=KOREAN).json()
    assert answer["question"] == answer["question_ko"] == {"spoiler_season": 1}
    assert answer["answer_ko"] is None  # nothing written, nothing to withhold
    seen = client.get(f"/api/v1/facts/{fact.pk}?watched=1").json()
    assert seen["question_ko"] == "언제 공개됐나요?"


# The admin ---------------------------------------------------------------------------------


def test_editors_write_both_languages_and_only_english_is_required(editor_client):
    url = reverse("admin:guide_show_add")
    form = {
        "slug": "hyosan",
        "title_ko": "효산고",
        **{
            f"{prefix}-{name}": value
            for prefix in ("seasons", "characters")
            for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    }
    refused = editor_client.post(url, form)
    assert refused.status_code == HTTPStatus.OK
    assert set(refused.context["adminform"].form.errors) == {"title_en"}
    saved = editor_client.post(url, form | {"title_en": "Hyosan High", "tagline_en": "Run."})
    assert saved.status_code == HTTPStatus.FOUND
    show = Show.objects.get()
    assert (show.title_en, show.title_ko, show.tagline_en, show.tagline_ko) == (
        "Hyosan High",
        "효산고",
        "Run.",
        None,  # left empty: no translation, so a Korean reader reads the English
    )


# Query counts ------------------------------------------------------------------------------


def translate_everything() -> None:
    """Korean text in every translated column of every row."""
    for model in TRANSLATED:
        names = {
            columns_of(model, field.name)["ko"]
            for field in model._meta.concrete_fields
            if columns_of(model, field.name)
        }
        for row in model.objects.all():
            for column in names:
                setattr(row, column, f"한국어판 {row.pk}")
            row.save(update_fields=sorted(names))


def test_translations_cost_no_query(world):
    """Every page of the pinned budgets (tests/guide/test_pages.py), for an English and a
    Korean reader, before and after every translated column of every row is filled."""
    clients = {"en": Client(headers=ENGLISH), "ko": Client(headers=KOREAN)}
    urls = {page: url_of(world) for page, (url_of, _queries) in PAGES.items()}
    for client in clients.values():
        for url in urls.values():
            client.get(url)  # warm up

    def measure() -> dict[str, int]:
        counts = {}
        for language, client in clients.items():
            for page, url in urls.items():
                cache.clear()
                counts[f"{language}:{page}"] = count_queries(client, url)
        return counts

    untranslated = measure()
    assert {key.split(":")[1]: count for key, count in untranslated.items() if "en:" in key} == {
        key.split(":")[1]: count for key, count in untranslated.items() if "ko:" in key
    }
    translate_everything()
    assert measure() == untranslated
    assert "한국어판" in body(clients["ko"].get(urls["season"]))
    # In English, Korean shows only where no English is written, and says so.
    english = body(clients["en"].get(urls["season"]))
    marked = re.findall(r'lang="ko">(?:<p>)?한국어판', english)
    assert english.count("한국어판") == len(marked) > 0


# Keeping what was written ------------------------------------------------------------------


def test_an_export_carries_both_languages(guide, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = transfer.export_show(guide["show"])
    Show.objects.all().delete()
    transfer.import_show(data)
    season = Season.objects.get(show__slug="hyosan", number=1)
    assert (season.synopsis_en, season.synopsis_ko) == (
        "The first outbreak.",
        "첫 번째 감염이에요.",
    )
    assert Fact.objects.get(season=season).question_ko == "언제 공개됐나요?"


BEFORE, AFTER = (
    ("guide", "0034_moderators_hide_pictures"),
    ("guide", "0035_content_in_two_languages"),
)


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_what_was_written_the_english():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    show = old.get_model("guide", "Show").objects.create(
        title="Hyosan High", slug="hyosan", synopsis="A school under siege."
    )
    season = old.get_model("guide", "Season").objects.create(show=show, number=1, title="")
    old.get_model("guide", "Fact").objects.create(
        season=season, question="When?", answer="Soon.", kind="official"
    )

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps
    show = new.get_model("guide", "Show").objects.get()
    assert (show.title_en, show.synopsis_en, show.tagline_en) == (
        "Hyosan High",
        "A school under siege.",
        None,  # nothing was written: still nothing
    )
    assert show.title_ko is None
    season = new.get_model("guide", "Season").objects.get()
    assert (season.title_en, season.title_ko) == (None, None)
    fact = new.get_model("guide", "Fact").objects.get()
    assert (fact.question_en, fact.answer_en, fact.question_ko) == ("When?", "Soon.", None)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
