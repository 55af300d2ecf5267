"""Preview without JavaScript: a second submit button, name="preview", shows the text as it
will look, keeps everything typed, and posts nothing (so no rate limit is spent)."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Comment, SeasonStatus, Theory
from tests.factories import CharacterFactory, SeasonFactory, ShowFactory
from tests.kit.html import assert_no_injection

pytestmark = pytest.mark.django_db

BODY = "Nam-ra ~~dies~~ *lives*: https://example.org/s2"
RENDERED = (
    'Nam-ra <s>dies</s> <em>lives</em>: <a href="https://example.org/s2" '
    'rel="nofollow ugc noopener">https://example.org/s2</a>'
)


@pytest.fixture
def season(db):
    show = ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")
    # Season 1 exists, so a theory may say it gives it away.
    SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    return SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)


@pytest.fixture
def theirs(other_fan, season):
    return services.post_theory(author=other_fan, season=season, title="Theirs", body="x")


def preview_of(page: str) -> str:
    match = re.search(r'<section class="preview".*?</section>', page, re.S)
    assert match, "no preview on the page"
    return match.group(0)


def textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)


@pytest.mark.parametrize("form", ["theory", "comment"])
def test_the_forms_offer_a_preview_button(fan_client, theirs, form):
    url = reverse("guide:theory_create") if form == "theory" else theirs.get_absolute_url()
    page = fan_client.get(url).content.decode()
    assert '<button type="submit" name="preview" value="1"' in page


def test_theory_preview_shows_the_rendering_keeps_everything_and_posts_nothing(
    fan_client, season, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (1, 3600)}
    character = CharacterFactory(show=season.show, name="Choi Nam-ra")
    data = {
        "season": season.pk,
        "title": "Nam-ra <leads>",
        "body": BODY,
        "characters": [character.pk],
        "spoiler_season": "1",
        "spoiler_free_title": "A twist for one lead",
        "preview": "1",
    }
    for _ in range(3):
        response = fan_client.post(reverse("guide:theory_create"), data)
        assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    preview = preview_of(page)
    assert RENDERED in preview
    assert "Nam-ra &lt;leads&gt;" in preview
    assert textarea(page, "body") == BODY
    assert 'name="title" value="Nam-ra &lt;leads&gt;"' in page
    assert f'<option value="{season.pk}" selected>' in page
    assert f'value="{character.pk}" id="id_characters_0" checked>' in page
    assert '<option value="1" selected>' in page
    assert "errorlist" not in page, "a preview is not a submission: no errors"
    assert not Theory.objects.exists()
    # The previews spent no rate limit: the real post still goes through.
    del data["preview"]
    assert fan_client.post(reverse("guide:theory_create"), data).status_code == HTTPStatus.FOUND
    assert Theory.objects.get().body == BODY


def test_an_incomplete_theory_can_be_previewed(fan_client, season):
    response = fan_client.post(reverse("guide:theory_create"), {"body": BODY, "preview": "1"})
    assert response.status_code == HTTPStatus.OK
    assert RENDERED in preview_of(response.content.decode())


def test_previewing_an_edit_changes_nothing(fan_client, fan, season):
    theory = services.post_theory(author=fan, season=season, title="Before", body="Old text")
    response = fan_client.post(
        reverse("guide:theory_edit", args=[theory.pk]),
        {"title": "After", "body": BODY, "preview": "1"},
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert RENDERED in preview_of(page)
    assert textarea(page, "body") == BODY
    theory.refresh_from_db()
    assert (theory.title, theory.body, theory.edited_at) == ("Before", "Old text", None)


def test_comment_preview_on_the_theory_page_posts_nothing(fan_client, theirs, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 600)}
    url = reverse("guide:comment_create", args=[theirs.pk])
    # The blank form is kept for every fan: the preview must show what was typed anyway,
    # and leave nothing of it in anyone's blank form.
    assert textarea(fan_client.get(theirs.get_absolute_url()).content.decode(), "body") == ""
    for _ in range(3):
        response = fan_client.post(url, {"body": BODY, "spoiler_season": "1", "preview": "1"})
        assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert theirs.title in page
    assert RENDERED in preview_of(page)
    assert textarea(page, "body") == BODY
    assert '<option value="1" selected>' in page
    another = Client()
    another.force_login(theirs.author)
    assert textarea(another.get(theirs.get_absolute_url()).content.decode(), "body") == ""
    assert not Comment.objects.exists()
    assert fan_client.post(url, {"body": BODY}).status_code == HTTPStatus.FOUND


def test_previewing_a_comment_edit_changes_nothing(fan_client, fan, theirs):
    comment = services.post_comment(author=fan, theory=theirs, body="Old comment")
    response = fan_client.post(
        reverse("guide:comment_edit", args=[comment.pk]), {"body": BODY, "preview": "1"}
    )
    assert response.status_code == HTTPStatus.OK
    assert RENDERED in preview_of(response.content.decode())
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Old comment", None)


HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1)) ![y](javascript:alert(2))",
    "```\n</textarea><script>alert(1)</script>\n```",
    '~~<img src=x onerror=alert(1)>~~ www.example.com/"onmouseover=alert(1)',
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_in_a_preview_is_harmless(fan_client, season, theirs, payload):
    for url, data in (
        (reverse("guide:theory_create"), {"title": payload[:140], "body": payload}),
        (reverse("guide:comment_create", args=[theirs.pk]), {"body": payload}),
    ):
        response = fan_client.post(url, {**data, "preview": "1"})
        assert response.status_code == HTTPStatus.OK
        assert_no_injection(response)
        assert "<img" not in preview_of(response.content.decode())


def test_a_visitor_cannot_preview(season):
    response = Client().post(reverse("guide:theory_create"), {"body": BODY, "preview": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
