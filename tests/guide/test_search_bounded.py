"""A word most theories hold ("zombie") does not make search work through all of them:
it ranks the hottest few hundred matches and says that it did."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import search
from guide.models import Theory
from tests.factories import TheoryFactory

pytestmark = pytest.mark.django_db

NOTE = "Only the most active matching theories are listed"


@pytest.fixture
def matches(db):
    theories = [TheoryFactory(title=f"Zombie theory number {n}", body="zombies") for n in range(6)]
    for heat, theory in enumerate(theories):
        Theory.objects.filter(pk=theory.pk).update(hot=float(heat))
    return theories


def test_search_ranks_only_the_hottest_matches(matches, monkeypatch, client):
    monkeypatch.setattr(search, "MATCHES_RANKED", 4)
    found = list(search.search("zombie", user=None).theories)
    assert {theory.pk for theory in found} == {theory.pk for theory in matches[2:]}
    response = client.get(reverse("guide:search"), {"q": "zombie"})
    assert response.status_code == HTTPStatus.OK
    assert NOTE in response.text


def test_fewer_matches_than_the_bound_are_all_listed_without_the_note(matches, client):
    assert len(search.search("zombie", user=None).theories) == len(matches)
    response = client.get(reverse("guide:search"), {"q": "zombie"})
    assert NOTE not in response.text


def test_hotter_theories_that_do_not_match_take_no_place(matches, monkeypatch):
    monkeypatch.setattr(search, "MATCHES_RANKED", 4)
    for heat in range(3):
        hot = TheoryFactory(title=f"Rooftop escape plan {heat}", body="The roof.")
        Theory.objects.filter(pk=hot.pk).update(hot=100.0 + heat)
    found = list(search.search("zombie", user=None).theories)
    assert {theory.pk for theory in found} == {theory.pk for theory in matches[2:]}
