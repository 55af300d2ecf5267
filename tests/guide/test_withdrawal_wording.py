"""What the pages around deleting, withdrawing and hiding say, to whom: each sentence true
for the reader who sees it."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import services
from guide.models import Theory
from tests.kit.admin_world import admin_url
from tests.kit.html import Page
from tests.kit.worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_deleting_a_comment_promises_nothing_about_votes_or_replies(world, other_fan_client):
    response = other_fan_client.get(reverse("guide:comment_delete", args=[world.comment.pk]))
    page = Page(response)
    assert page.h1 == ["Delete your comment?"]
    assert "This cannot be undone." in page.text
    assert "votes" not in page.text
    assert "replies" not in page.text


def test_a_hidden_theory_tells_a_moderator_who_sees_it_not_you(
    world, moderator, moderator_client, fan_client
):
    services.set_hidden(moderator=moderator, item=world.theory, hidden=True, reason="Off topic")
    world.theory.refresh_from_db()
    url = world.theory.get_absolute_url()
    to_moderator = Page(moderator_client.get(url)).text
    assert "only its author and the moderators can see it" in to_moderator
    assert "only you and the moderators" not in to_moderator
    to_author = Page(fan_client.get(url)).text
    assert "only you and the moderators can see it" in to_author


def test_a_refused_write_on_a_withdrawn_theory_says_what_is_refused(world, other_fan_client):
    services.delete_theory(theory=world.theory)  # other_fan commented: it is withdrawn
    response = other_fan_client.post(
        reverse("guide:vote", args=[world.theory.pk]),
        {"value": "1"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == HTTPStatus.CONFLICT
    refusal = response.json()["error"]
    assert "no more votes or comments" in refusal
    assert "reports" not in refusal  # its comments may still be reported


def test_the_admin_filters_theories_by_withdrawn_yes_or_no(world, superuser_client):
    services.delete_theory(theory=world.theory)
    url = admin_url(Theory, "changelist")
    page = Page(superuser_client.get(url))
    assert {"Yes", "No"} <= {link.text.strip() for link in page.find_all("a")}
    withdrawn = superuser_client.get(url, {"withdrawn": "yes"})
    standing = superuser_client.get(url, {"withdrawn": "no"})
    assert withdrawn.context["cl"].result_count == 1
    assert standing.context["cl"].result_count == Theory.objects.count() - 1
