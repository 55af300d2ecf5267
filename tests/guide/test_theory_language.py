"""Fans tag each theory with the language they wrote it in: lists filter by it, and
pages mark it so a Korean theory on an English page is read as Korean."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import services
from guide.models import Theory
from tests.factories import SeasonFactory, TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("guide:theory_list")
KOREAN_TITLE = "온조가 옥상에서 살아남아요"


@pytest.fixture
def season():
    return SeasonFactory()


def _form(season, **changes) -> dict:
    return {
        "season": season.pk,
        "title": KOREAN_TITLE,
        "body": "청산이의 마지막 장면이 단서예요.",
        "language": "ko",
        **changes,
    }


def test_a_fan_posts_a_theory_in_korean_and_its_page_says_so(client, season):
    fan = UserFactory()
    client.force_login(fan)
    response = client.post(reverse("guide:theory_create"), _form(season))
    assert response.status_code == HTTPStatus.FOUND
    theory = Theory.objects.get(title=KOREAN_TITLE)
    assert theory.language == "ko"
    body = client.get(theory.get_absolute_url()).content.decode()
    assert f'<h1 id="theory-title" lang="ko">{KOREAN_TITLE}</h1>' in body
    assert '<div class="prose" lang="ko">' in body


def _chosen_language(response) -> str:
    assert response.status_code == HTTPStatus.OK
    menu = re.search(r'<select name="language".*?</select>', response.content.decode(), re.S)
    return re.search(r'<option value="(\w+)" selected>', menu.group(0)).group(1)


def test_the_form_starts_in_the_language_the_fan_reads(client, season):
    client.force_login(UserFactory())
    assert _chosen_language(client.get(reverse("guide:theory_create"))) == "en"
    korean = client.get(reverse("guide:theory_create"), HTTP_ACCEPT_LANGUAGE="ko")
    assert _chosen_language(korean) == "ko"


def test_a_language_the_site_does_not_offer_is_refused_next_to_the_field(client, season):
    client.force_login(UserFactory())
    response = client.post(reverse("guide:theory_create"), _form(season, language="fr"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice" in response.content.decode()
    assert KOREAN_TITLE in response.content.decode()  # nothing typed is lost
    assert not Theory.objects.exists()


def test_the_list_filters_by_language_and_lists_every_language_by_default(client, season):
    TheoryFactory(season=season, title="The cure works", language="en")
    TheoryFactory(season=season, title=KOREAN_TITLE, language="ko")
    everything = client.get(URL).content.decode()
    assert "The cure works" in everything
    assert KOREAN_TITLE in everything
    korean = client.get(URL, {"language": "ko"}).content.decode()
    assert KOREAN_TITLE in korean
    assert "The cure works" not in korean
    english = client.get(URL, {"language": "en"}).content.decode()
    assert "The cure works" in english
    assert KOREAN_TITLE not in english
    assert f'<span lang="ko">{KOREAN_TITLE}</span>' in korean  # the card marks it too


def test_an_unknown_language_filter_is_a_friendly_400(client, season):
    TheoryFactory(season=season, title="The cure works")
    response = client.get(URL, {"language": "xx"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Some filters were not understood" in response.content.decode()


def test_changing_a_theorys_language_moves_the_lists(
    client, season, settings, django_capture_on_commit_callbacks
):
    settings.VISITOR_PAGE_CACHE = True
    theory = TheoryFactory(season=season, title="Written in Korean after all", language="en")
    assert "Written in Korean after all" not in client.get(URL, {"language": "ko"}).text
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_theory(theory=theory, title=theory.title, body=theory.body, language="ko")
    assert "Written in Korean after all" in client.get(URL, {"language": "ko"}).text
    assert Theory.objects.get(pk=theory.pk).language == "ko"


def test_an_edit_that_names_no_language_keeps_the_one_it_has(season):
    theory = TheoryFactory(season=season, language="ko")
    services.edit_theory(theory=theory, title="새 제목", body=theory.body)
    assert Theory.objects.get(pk=theory.pk).language == "ko"


def test_a_fans_spoiler_free_headline_is_marked_in_their_language(client, season):
    """The headline a visitor who has not watched sees is the fan's own words too."""
    TheoryFactory(
        season=season,
        title=KOREAN_TITLE,
        spoiler_season=1,
        spoiler_free_title="시즌 2의 첫 무대에 대한 예측",
        language="ko",
    )
    listed = client.get(URL).content.decode()
    assert '<span lang="ko">시즌 2의 첫 무대에 대한 예측</span>' in listed
