"""sitemap.xml is an index of section pages, so every public theory is listed however
many there are; the pages are cached like any other and still drop hidden theories."""

import xml.etree.ElementTree as ET
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import services
from guide.sitemaps import TheorySitemap
from tests.factories import SeasonFactory, ShowFactory, TheoryFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PER_PAGE = 3


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(TheorySitemap, "limit", PER_PAGE)


@pytest.fixture
def theories():
    season = SeasonFactory()
    return [TheoryFactory(season=season, title=f"Theory {n}") for n in range(PER_PAGE * 3 + 1)]


def parse(response) -> ET.Element:
    assert response.status_code == HTTPStatus.OK
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output


def section_pages(client=None) -> list[str]:
    root = parse((client or Client()).get(reverse("sitemap")))
    assert root.tag == f"{SITEMAP}sitemapindex"
    locations = [node.findtext(f"{SITEMAP}loc") for node in root.findall(f"{SITEMAP}sitemap")]
    return [urlsplit(loc)._replace(scheme="", netloc="").geturl() for loc in locations]


def listed(pages: list[str]) -> list[str]:
    paths = []
    for page in pages:
        root = parse(Client().get(page))
        assert root.tag == f"{SITEMAP}urlset"
        for node in root.findall(f"{SITEMAP}url"):
            paths.append(urlsplit(node.findtext(f"{SITEMAP}loc")).path)
    return paths


def test_the_index_lists_as_many_theory_pages_as_there_are_theories(theories):
    pages = [page for page in section_pages() if "theories" in page]
    assert len(pages) == 4  # ten theories, three a page
    paths = listed(pages)
    assert sorted(paths) == sorted(theory.get_absolute_url() for theory in theories)
    assert len(paths) == len(set(paths))


def test_every_section_of_the_index_answers(theories):
    paths = listed(section_pages())
    assert reverse("guide:home") in paths
    assert theories[0].season.get_absolute_url() in paths


def test_a_page_past_the_end_is_not_found(theories):
    assert Client().get(reverse("sitemap_section", args=["theories"]) + "?p=99").status_code == (
        HTTPStatus.NOT_FOUND
    )
    assert Client().get(reverse("sitemap_section", args=["nothing"])).status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_sitemap_pages_are_cached_for_crawlers(settings, theories, django_assert_num_queries):
    settings.VISITOR_PAGE_CACHE = True
    pages = [reverse("sitemap"), *section_pages()]
    for page in pages:
        Client().get(page)
    for page in pages:
        with django_assert_num_queries(0):
            assert Client().get(page).status_code == HTTPStatus.OK


def test_hidden_theories_and_unpublished_shows_leave_the_cached_sitemap(
    settings, theories, moderator, superuser_client, django_capture_on_commit_callbacks
):
    settings.VISITOR_PAGE_CACHE = True
    hidden, kept = theories[0], theories[-1]
    other = TheoryFactory(season=SeasonFactory(show=ShowFactory(title="Sweet Home")))
    assert other.get_absolute_url() in listed(section_pages())  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=hidden, hidden=True, reason="spam")
    paths = listed(section_pages())
    assert hidden.get_absolute_url() not in paths
    assert kept.get_absolute_url() in paths
    unpublish(superuser_client, other.season.show, django_capture_on_commit_callbacks)
    assert other.get_absolute_url() not in listed(section_pages())


def unpublish(editor_client, show, django_capture_on_commit_callbacks):
    """What an editor does on the show's admin page: untick "published" and save."""
    change = reverse("admin:guide_show_change", args=[show.pk])
    form = editor_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data = {name: value for name, value in data.items() if not hasattr(value, "url")}
    data["is_published"] = ""
    for prefix in ("seasons", "characters"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    data = {key: value for key, value in data.items() if key != "is_published"}
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    show.refresh_from_db()
    assert not show.is_published


def test_the_index_counts_theories_without_reading_them(theories):
    """Tens of thousands of theories: the index asks for a count and a date, not rows."""
    with CaptureQueriesContext(connection) as queries:
        section_pages()
    on_theories = [q["sql"] for q in queries if 'FROM "guide_theory"' in q["sql"]]
    assert on_theories
    assert all("COUNT(" in sql or "MAX(" in sql for sql in on_theories), on_theories
