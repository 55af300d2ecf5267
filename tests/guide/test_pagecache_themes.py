"""The visitors' page cache keeps each colour theme's page apart: a visitor who chose
dark never gets the page cached for one who did not choose."""

import pytest
from django.test import Client
from django.urls import reverse

from core.reader import THEME_COOKIE
from tests.factories import TheoryFactory
from tests.kit.html import page_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def theme_of(response) -> str:
    (html,) = page_of(response).find_all("html")
    return html.attrs["data-theme"]


def visitor(theme: str | None = None) -> Client:
    client = Client()
    if theme:
        client.cookies[THEME_COOKIE] = theme
    return client


@pytest.mark.parametrize(
    "url", [reverse("guide:theory_list"), reverse("guide:home"), reverse("guide:leaderboard")]
)
def test_each_theme_gets_its_own_page(db, url):
    TheoryFactory(title="Cheong-san is alive", spoiler_season=None)
    assert theme_of(visitor().get(url)) == "auto"
    assert theme_of(visitor("dark").get(url)) == "dark"
    assert theme_of(visitor("light").get(url)) == "light"
    assert theme_of(visitor().get(url)) == "auto"
    assert theme_of(visitor("dark").get(url)) == "dark"
