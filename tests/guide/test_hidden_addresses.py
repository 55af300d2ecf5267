"""A hidden theory's address does not carry its title.

A theory's address is /theories/<pk>/<slug>/, the slug made from its title. Once a
moderator hides it (or its author withdraws it) the address says only that — "hidden",
"withdrawn" — wherever a link to it is rendered: its own page's canonical redirect, the
moderators' admin and its "view on site", comments' links, the public moderation log.
Restoring it brings the title's slug back.
"""

from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Comment, Report, ReportReason, Theory
from tests.kit.admin_world import admin_url
from tests.kit.html import Page, page_of
from tests.kit.worlds import THEORY_TITLE, build_world

pytestmark = pytest.mark.django_db

TITLE_SLUG = "on-jo-returns-as-a-half-zombie"  # the world theory's, from THEORY_TITLE


@pytest.fixture
def world(db, moderator):
    """The kit's world with its theory (fan's, commented on by other_fan) reported by
    other_fan and hidden by a moderator."""
    world = build_world()
    assert world.theory.slug == TITLE_SLUG
    world.report = services.report(
        reporter=world.other_fan, reason=ReportReason.ABUSE, theory=world.theory
    )
    services.set_hidden(moderator=moderator, item=world.theory, hidden=True, reason="Abuse")
    world.theory.refresh_from_db()
    return world


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def title_address(theory: Theory) -> str:
    return reverse("guide:theory", args=[theory.pk, theory.slug])


def test_a_hidden_theorys_address_is_neutral_and_restoring_brings_the_title_back(world, moderator):
    theory = world.theory
    assert theory.get_absolute_url() == f"/theories/{theory.pk}/hidden/"
    assert TITLE_SLUG not in Comment.objects.get(pk=world.comment.pk).get_absolute_url()
    assert theory.slug == TITLE_SLUG  # the stored slug is kept for the day it comes back

    services.set_hidden(moderator=moderator, item=theory, hidden=False, reason="Fine after all")
    theory.refresh_from_db()
    assert theory.get_absolute_url() == f"/theories/{theory.pk}/{TITLE_SLUG}/"
    response = Client().get(f"/theories/{theory.pk}/hidden/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == theory.get_absolute_url()


def test_a_hidden_spoiler_theorys_address_is_neutral_too(world, moderator):
    spoiler = world.spoiler_theory
    services.set_hidden(moderator=moderator, item=spoiler, hidden=True, reason="Spoiler")
    spoiler.refresh_from_db()
    assert spoiler.get_absolute_url() == f"/theories/{spoiler.pk}/hidden/"


def test_the_title_address_redirects_those_who_may_see_it_to_the_neutral_one(
    world, moderator_client, fan_client
):
    theory = world.theory
    for who, client in {"moderator": moderator_client, "its author": fan_client}.items():
        response = client.get(title_address(theory), {"page": "1"})
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY, who
        assert response["Location"] == f"/theories/{theory.pk}/hidden/?page=1", who
        page = page_of(client.get(response["Location"]))
        assert THEORY_TITLE in page.text, who
        assert not any(TITLE_SLUG in href for href in page.hrefs), who
        assert TITLE_SLUG not in " ".join(page.canonical()), who


def test_others_get_404_at_either_address(world, other_fan_client):
    theory = world.theory
    for who, client in {"visitor": Client(), "another fan": other_fan_client}.items():
        for url in (title_address(theory), theory.get_absolute_url(), f"/theories/{theory.pk}/"):
            assert client.get(url).status_code == HTTPStatus.NOT_FOUND, (who, url)


def test_the_moderators_admin_links_it_by_its_neutral_address(world, moderator_client):
    theory = world.theory
    admin_pages = [
        admin_url(Report, "changelist"),
        admin_url(Report, "change", world.report.pk),
        admin_url(Theory, "changelist"),
        admin_url(Theory, "change", theory.pk),
        admin_url(Comment, "change", world.comment.pk),
    ]
    for url in admin_pages:
        # Moderators read the title (and the stored slug) as data; no link carries it.
        page = page_of(moderator_client.get(url))
        assert not any(TITLE_SLUG in href for href in page.hrefs), url
    report_page = Page(moderator_client.get(admin_url(Report, "change", world.report.pk)))
    assert theory.get_absolute_url() in report_page.hrefs
    log = Client().get(reverse("guide:moderation_log"))
    assert log.status_code == HTTPStatus.OK
    assert TITLE_SLUG not in log.content.decode()


def test_view_on_site_leads_to_the_neutral_address(world, moderator_client):
    for item in (world.theory, world.comment):
        content_type = ContentType.objects.get_for_model(type(item))
        response = moderator_client.get(
            reverse("admin:view_on_site", args=[content_type.pk, item.pk])
        )
        assert response.status_code == HTTPStatus.FOUND
        neutral = (
            f"/comments/{item.pk}/" if item is world.comment else f"/theories/{item.pk}/hidden/"
        )
        assert neutral in response["Location"]
        assert TITLE_SLUG not in response["Location"]


def test_its_authors_own_listings_link_the_neutral_address(world, fan_client):
    # Its author still sees a hidden theory of theirs in the lists, marked as hidden.
    for url in (reverse("guide:theory_list"), reverse("accounts:profile", args=["fan"])):
        page = page_of(fan_client.get(url))
        assert world.theory.get_absolute_url() in page.hrefs, url
        assert not any(TITLE_SLUG in href for href in page.hrefs), url


def test_feeds_and_the_sitemap_never_carry_it(world):
    for url in (
        reverse("guide:feed_theories"),
        reverse("guide:feed_season_theories", args=[world.show.slug, 2]),
        reverse("sitemap_section", args=["theories"]),
    ):
        response = Client().get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert TITLE_SLUG not in response.content.decode(), url
        assert f"/theories/{world.theory.pk}/" not in response.content.decode(), url


def test_a_withdrawn_theorys_address_is_neutral_and_the_title_address_redirects(world):
    fresh = services.post_theory(
        author=world.fan, season=world.s2, title="Cheong-san is alive", body="He made it."
    )
    services.post_comment(author=world.other_fan, theory=fresh, body="Hope so.")
    assert services.delete_theory(theory=fresh) is True
    fresh.refresh_from_db()
    assert fresh.get_absolute_url() == f"/theories/{fresh.pk}/withdrawn/"
    response = Client().get(title_address(fresh), {"page": "1"})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"/theories/{fresh.pk}/withdrawn/?page=1"
    comment = Comment.objects.get(theory=fresh)
    assert "cheong-san" not in comment.get_absolute_url()
