"""The visitors' page cache keeps each language's page apart.

The same address serves English and Korean (chosen by the browser's Accept-Language or
by the language switcher's cookie); a page cached for one language is never served in
the other.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.kit.html import page_of
from tests.kit.worlds import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

ENGLISH = {"accept-language": "en"}
KOREAN = {"accept-language": "ko"}


@pytest.fixture
def world(db):
    return build_world()


def korean_by_cookie() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    return client


PAGES = {
    "home": lambda world: reverse("guide:home"),
    "theory list": lambda world: reverse("guide:theory_list"),
    "theory": lambda world: world.theory.get_absolute_url(),
    "season": lambda world: world.s2.get_absolute_url(),
}


@pytest.mark.parametrize("name", PAGES)
def test_an_english_visit_then_a_korean_one_gets_korean(world, name):
    url = PAGES[name](world)
    assert page_of(Client().get(url, headers=ENGLISH)).lang == "en"
    assert page_of(Client().get(url, headers=KOREAN)).lang == "ko"
    assert page_of(korean_by_cookie().get(url, headers=ENGLISH)).lang == "ko"


@pytest.mark.parametrize("name", PAGES)
def test_a_korean_visit_then_an_english_one_gets_english(world, name):
    url = PAGES[name](world)
    assert page_of(korean_by_cookie().get(url)).lang == "ko"
    assert page_of(Client().get(url, headers=ENGLISH)).lang == "en"


def test_each_language_is_cached_once_and_served_from_the_cache(world, django_assert_num_queries):
    url = reverse("guide:theory_list")
    Client().get(url, headers=ENGLISH)
    Client().get(url, headers=KOREAN)
    with django_assert_num_queries(0):
        english = Client().get(url, headers=ENGLISH)
        korean = Client().get(url, headers=KOREAN)
    assert page_of(english).lang == "en"
    assert page_of(korean).lang == "ko"
