"""The visitors' page cache: fast for visitors, never wrong for anyone."""

import datetime
from http import HTTPStatus

import pytest
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Season, SeasonStatus
from tests.factories import SeasonFactory, TheoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def theory():
    return TheoryFactory(title="Nam-ra learns to live with the hunger", spoiler_season=None)


def test_a_second_visit_is_served_without_queries(client, theory, django_assert_num_queries):
    url = reverse("guide:theory_list")
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.status_code == HTTPStatus.OK
    assert theory.title in second.text


def test_each_visitor_gets_their_own_working_csrf_token(theory):
    url = reverse("guide:theory_list")
    Client().get(url)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    assert "@@csrf-token@@" not in page.text
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = visitor.post(
        reverse("guide:theme"), {"theme": "dark", "next": url, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == HTTPStatus.FOUND


def test_a_new_theory_shows_at_once(client, fan, theory, django_capture_on_commit_callbacks):
    url = reverse("guide:theory_list")
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_theory(
            author=fan,
            season=SeasonFactory(show=theory.season.show),
            title="Fresh theory",
            body="x",
        )
    assert "Fresh theory" in Client().get(url).text


def test_hidden_theory_disappears_at_once(
    client, moderator, theory, django_capture_on_commit_callbacks
):
    url = reverse("guide:theory_list")
    assert theory.title in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    assert theory.title not in Client().get(url).text


def test_pages_vary_by_spoiler_progress(theory):
    # Season 1 is out, so a visitor may say they have watched it.
    Season.objects.filter(pk=theory.season_id).update(
        number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    spoiler = TheoryFactory(season=theory.season, title="Cheong-san returns", spoiler_season=1)
    url = reverse("guide:theory_list")
    unanswered = Client().get(url).text
    assert '<details class="spoiler">' in unanswered
    watcher = Client()
    watcher.post(
        reverse("guide:set_progress"),
        {"show": spoiler.season.show_id, "seasons_watched": 1, "next": url},
    )
    assert '<details class="spoiler">' not in watcher.get(url).text
    # Once the "saved" message is shown, the watcher's pages come from the cache too: a
    # cache of its own, not the one filled for visitors who have not said.
    assert "messages" not in watcher.cookies or not watcher.cookies["messages"].value
    assert '<details class="spoiler">' not in watcher.get(url).text
    assert '<details class="spoiler">' in Client().get(url).text


def test_signed_in_fans_are_never_served_a_cached_page(fan_client, fan, theory):
    url = reverse("guide:theory_list")
    Client().get(url)
    services.cast_vote(user=fan, theory_id=theory.pk, value=1)
    page = fan_client.get(url)
    assert 'aria-pressed="true"' in page.text


def test_an_editors_change_in_the_admin_shows_at_once(
    client, superuser_client, theory, django_capture_on_commit_callbacks
):
    season = theory.season
    url = season.show.get_absolute_url()  # lists each season with its title
    assert client.get(url).status_code == HTTPStatus.OK
    change = reverse("admin:guide_season_change", args=[season.pk])
    form = superuser_client.get(change).context["adminform"].form
    # As the browser posts it: no file chosen sends no file.
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, FieldFile)
    } | {"title_en": "The Hunger Games of Hyosan"}
    for prefix in ("facts", "episodes"):
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    data = {key: value for key, value in data.items() if not isinstance(value, list)}
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(change, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    assert "The Hunger Games of Hyosan" in Client().get(url).text


def test_a_fan_cannot_make_the_cache_paste_tokens_into_their_text(fan, theory):
    trap = "@@csrf-token@@"
    theory.body_html = f'<p><a href="https://evil.example/c?t={trap}">here</a></p>'
    theory.title = f"Look {trap}"
    theory.save()
    url = theory.get_absolute_url()
    Client().get(url)  # fills the cache
    page = Client().get(url).text
    assert f"https://evil.example/c?t={trap}" in page
    assert f"Look {trap}" in page


def test_a_renamed_fan_shows_at_once(fan, fan_client, theory, django_capture_on_commit_callbacks):
    theory.author = fan
    theory.save()
    url = reverse("guide:theory_list")
    assert fan.public_name in Client().get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = fan_client.post(
            reverse("accounts:settings"),
            {"display_name": "Renamed Survivor", "bio": "", "email": "fan@example.org"},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert "Renamed Survivor" in Client().get(url).text
