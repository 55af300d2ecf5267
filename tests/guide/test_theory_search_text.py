"""A theory is found by the words of its title and of its body, as posted and as edited."""

import pytest
from django.urls import reverse

from guide import services
from tests.factories import SeasonFactory, UserFactory
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db


def found(client, word: str, title: str) -> bool:
    return title in page_of(client.get(reverse("guide:search"), {"q": word})).text


def test_posted_and_edited_theories_are_found_by_their_body(client):
    title = "The gym holds out"
    theory = services.post_theory(
        author=UserFactory(),
        season=SeasonFactory(),
        title=title,
        body="They barricade it with a xylophone.",
    )
    assert found(client, "xylophone", title)
    assert found(client, "gym", title)
    services.edit_theory(theory=theory, title=title, body="They barricade it with a trombone.")
    assert found(client, "trombone", title)
    assert not found(client, "xylophone", title)
