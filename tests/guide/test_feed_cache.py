"""Atom feeds are cached for visitors like pages, and refreshed by the same writes."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from tests.factories import CommentFactory, SeasonFactory, TheoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def season():
    season = SeasonFactory()
    TheoryFactory(season=season, title="Gwi-nam is still out there", spoiler_season=None)
    return season


def feeds(season) -> list[str]:
    show = season.show
    return [
        reverse("guide:feed_theories"),
        reverse("guide:feed_show_theories", args=[show.slug]),
        reverse("guide:feed_season_theories", args=[show.slug, season.number]),
        reverse("guide:feed_season_facts", args=[show.slug, season.number]),
    ]


def test_a_second_reader_of_a_feed_costs_no_query(season, django_assert_num_queries):
    for url in feeds(season):
        first = Client().get(url)
        assert first.status_code == HTTPStatus.OK
        with django_assert_num_queries(0):
            again = Client().get(url)
        assert again.status_code == HTTPStatus.OK
        assert again["Content-Type"] == first["Content-Type"]
        assert again.headers.get("Last-Modified") == first.headers.get("Last-Modified")
        assert again.content == first.content
        assert "csrftoken" not in again.cookies


def test_a_new_theory_reaches_the_feeds_at_once(fan, season, django_capture_on_commit_callbacks):
    for url in feeds(season):
        Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_theory(author=fan, season=season, title="Hyeon-ju has a plan", body="Yes.")
    for url in feeds(season)[:3]:
        assert "Hyeon-ju has a plan" in Client().get(url).text, url


def test_a_comment_leaves_the_feeds_cached(
    fan, season, django_assert_num_queries, django_capture_on_commit_callbacks
):
    theory = season.theories.get()
    comment = CommentFactory(theory=theory, author=fan)
    for url in feeds(season):
        Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_comment(comment=comment, body="Changed my mind")
    for url in feeds(season):
        with django_assert_num_queries(0):
            Client().get(url)
