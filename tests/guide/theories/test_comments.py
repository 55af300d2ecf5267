"""Comments on theories: posting, editing and deleting one's own, the form's errors, the
rate limit and script injection."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide.models import Comment
from tests.kit.html import SCRIPT_PAYLOADS, Page, assert_field_error, assert_no_injection

pytestmark = pytest.mark.django_db


def test_fan_comments_edits_and_deletes_own_comment(fan_client, theory):
    response = fan_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": "First!"}
    )
    comment = Comment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == comment.get_absolute_url()
    response = fan_client.post(reverse("guide:comment_edit", args=[comment.pk]), {"body": "Fixed"})
    comment.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert comment.body == "Fixed"
    assert comment.edited_at is not None
    response = fan_client.post(reverse("guide:comment_delete", args=[comment.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Comment.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07"])
def test_control_characters_rejected_in_comment(other_fan_client, theory, bad):
    response = other_fan_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": f"Hi {bad}"}
    )
    assert_field_error(response, "body")
    assert not Comment.objects.exists()


def test_empty_comment_shows_error_on_theory_page(other_fan_client, theory):
    response = other_fan_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": ""}
    )
    assert_field_error(response, "body", "This field is required.")
    assert "On-jo returns" in response.text


def test_comment_edit_error_keeps_text(fan_client, comment):
    response = fan_client.post(
        reverse("guide:comment_edit", args=[comment.pk]), {"body": "New text \x07"}
    )
    assert_field_error(response, "body")
    assert "New text" in Page(response).field("body").text
    comment.refresh_from_db()
    assert comment.body == "My own comment."


def test_comment_rate_limit(other_fan_client, theory, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (2, 600)}
    url = reverse("guide:comment_create", args=[theory.pk])
    for n in range(2):
        assert other_fan_client.post(url, {"body": f"Comment {n}"}).status_code == HTTPStatus.FOUND
    response = other_fan_client.post(url, {"body": "Third comment kept"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert "Third comment kept" in response.text
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS)
def test_injection_in_comment(other_fan_client, client, theory, payload):
    response = other_fan_client.post(
        reverse("guide:comment_create", args=[theory.pk]), {"body": payload}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert_no_injection(client.get(theory.get_absolute_url()))
    assert_no_injection(other_fan_client.get(theory.get_absolute_url()))
