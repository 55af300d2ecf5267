"""An author who deletes a theory that holds what others wrote or reported withdraws it.

Deleting must not be a way round moderation: other fans' comments and every report
(open or closed) on the theory or its comments survive the author's delete. The theory
keeps its page, where it reads "This theory was withdrawn by its author" in place of its
title, text and author (moderators still see the text, marked as withdrawn); it takes no
more votes, comments, reports or edits, and it leaves every listing, search, the feeds,
the sitemap and the prediction records. A theory with nothing of others' is deleted.
"""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from guide import permissions, selectors, services
from guide.models import Comment, Report, ReportReason, ReportStatus, Theory, Vote
from tests.factories import TheoryFactory, UserFactory
from tests.kit.admin_world import admin_url
from tests.kit.counts import (
    assert_queries_do_not_grow,
    assert_vote_counts_match_rows,
    count_queries,
)
from tests.kit.html import Page, page_of
from tests.kit.worlds import COMMENT_BODY, THEORY_BODY, THEORY_TITLE, build_world

pytestmark = pytest.mark.django_db

WITHDRAWN = "This theory was withdrawn by its author"
# A word of the world theory's body that no other text of the world holds.
BODY_WORD = "survives"


@pytest.fixture
def world(db):
    """The kit's world: `theory` is fan's, up-voted by other_fan, who commented on it."""
    return build_world()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def withdraw(theory: Theory) -> Theory:
    """The author's delete, through the site's own form."""
    response = signed_in(theory.author).post(reverse("guide:theory_delete", args=[theory.pk]))
    assert response.status_code == HTTPStatus.FOUND, response.status_code
    theory.refresh_from_db()
    assert theory.withdrawn_at is not None
    return theory


# What survives the author's delete -------------------------------------------------------


def test_others_comments_survive_the_authors_delete(world):
    theory, title_address = world.theory, world.theory.get_absolute_url()
    votes = Vote.objects.filter(theory=theory).count()

    response = signed_in(world.fan).post(reverse("guide:theory_delete", args=[theory.pk]))

    # The author lands on the withdrawn page, told what happened.
    theory.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == theory.get_absolute_url() != title_address
    assert any("withdrawn" in message for message in messages_of(response))
    assert theory.withdrawn_at is not None
    # Everything stays in the database: the text for the moderators, the comment, the votes.
    assert (theory.title, theory.body) == (THEORY_TITLE, THEORY_BODY)
    assert Comment.objects.get(pk=world.comment.pk).body == COMMENT_BODY
    assert Vote.objects.filter(theory=theory).count() == votes
    assert_vote_counts_match_rows()


@pytest.mark.parametrize("closed", [False, True], ids=["open report", "closed report"])
def test_reports_survive_the_authors_delete(closed, moderator):
    theory = TheoryFactory(title="Rude words about the cast")
    reporter = UserFactory(username="reporter")
    report = services.report(reporter=reporter, reason=ReportReason.ABUSE, theory=theory)
    if closed:
        services.close_report(moderator=moderator, report_row=report, dismissed=True)

    withdraw(theory)

    report.refresh_from_db()
    assert report.theory_id == theory.pk
    expected = ReportStatus.DISMISSED if closed else ReportStatus.OPEN
    assert report.status == expected


def test_a_report_on_the_authors_own_comment_survives_too(fan, other_fan):
    theory = TheoryFactory(author=fan)
    own_comment = services.post_comment(author=fan, theory=theory, body="Shouting at everyone")
    report = services.report(reporter=other_fan, reason=ReportReason.ABUSE, comment=own_comment)

    assert services.delete_theory(theory=theory) is True

    assert Comment.objects.filter(pk=own_comment.pk).exists()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.OPEN


def test_a_theory_with_only_its_authors_comments_is_really_deleted(fan, other_fan, fan_client):
    theory = TheoryFactory(author=fan, title="Mine alone")
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    services.post_comment(author=fan, theory=theory, body="Adding a detail of my own")

    response = fan_client.post(reverse("guide:theory_delete", args=[theory.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("guide:theory_list")
    assert messages_of(response) == ["Your theory is deleted."]
    assert not Theory.objects.filter(pk=theory.pk).exists()
    assert not Comment.objects.filter(theory_id=theory.pk).exists()
    assert not Vote.objects.filter(theory_id=theory.pk).exists()
    assert fan_client.get(f"/theories/{theory.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_a_settled_theory_is_neither_deleted_nor_withdrawn(world, fan_client):
    settled = world.settled  # fan's, season 1 is out
    services.post_comment(author=world.other_fan, theory=settled, body="Called it!")
    with pytest.raises(services.FrozenError):
        services.delete_theory(theory=settled)

    response = fan_client.post(reverse("guide:theory_delete", args=[settled.pk]))

    assert response.status_code == HTTPStatus.FOUND
    settled.refresh_from_db()
    assert settled.withdrawn_at is None
    assert "so it stays on the record" in " ".join(messages_of(response))


def test_the_confirmation_page_says_which_will_happen(world, fan_client):
    with_others = page_of(fan_client.get(reverse("guide:theory_delete", args=[world.theory.pk])))
    assert with_others.h1 == ["Withdraw your theory?"]
    assert "Others have commented on this theory, so it will be withdrawn" in with_others.text
    assert "the other fans' comments stay" in with_others.text
    assert with_others.form("").button_labels == ["Withdraw"]

    alone = services.post_theory(author=world.fan, season=world.s2, title="Solo", body="Mine.")
    plain = page_of(fan_client.get(reverse("guide:theory_delete", args=[alone.pk])))
    assert plain.h1 == ["Delete your theory?"]
    assert "This cannot be undone. Its votes and your own comments on it go with it." in plain.text
    assert "withdrawn" not in plain.text
    assert plain.form("").button_labels == ["Delete"]


# The page that stays ---------------------------------------------------------------------


def test_the_withdrawn_page_keeps_its_address_and_others_comments_but_not_its_text(world):
    theory = withdraw(world.theory)
    fan_profile = reverse("accounts:profile", args=[world.fan.username])
    readers = {"visitor": Client(), "another fan": signed_in(world.other_fan)}
    for who, client in readers.items():
        page = page_of(client.get(theory.get_absolute_url()))
        assert WITHDRAWN in page.h1, who
        assert COMMENT_BODY in page.text, who
        everything = page.source_text + page.head_text
        assert THEORY_TITLE not in everything, who
        assert BODY_WORD not in everything, who
        assert fan_profile not in page.hrefs, who  # its author is not named
        assert Page(client.get(theory.get_absolute_url())).meta("robots") == ["noindex"]


def test_its_author_sees_it_withdrawn_too(world, fan_client):
    theory = withdraw(world.theory)
    page = page_of(fan_client.get(theory.get_absolute_url()))
    assert WITHDRAWN in page.h1
    assert THEORY_TITLE not in page.source_text + page.head_text
    assert BODY_WORD not in page.text
    assert COMMENT_BODY in page.text
    for name in ("theory_edit", "theory_delete"):
        assert reverse(f"guide:{name}", args=[theory.pk]) not in page.hrefs


def test_moderators_still_see_its_text_marked_as_withdrawn(world, moderator_client):
    theory = withdraw(world.theory)
    page = page_of(moderator_client.get(theory.get_absolute_url()))
    assert WITHDRAWN in page.h1
    assert "Withdrawn by its author: only moderators see its text" in page.text
    assert THEORY_TITLE in page.text
    assert BODY_WORD in page.text
    assert COMMENT_BODY in page.text


def test_the_title_address_leads_to_the_withdrawn_one(world):
    title_address = world.theory.get_absolute_url()
    theory = withdraw(world.theory)
    response = Client().get(title_address, {"page": "1"})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"{theory.get_absolute_url()}?page=1"
    assert theory.slug not in response["Location"]
    assert theory.get_absolute_url() == f"/theories/{theory.pk}/withdrawn/"


# Nothing more happens on it ----------------------------------------------------------------


def test_votes_on_a_withdrawn_theory_are_refused_without_an_error(world, moderator):
    theory = withdraw(world.theory)
    voter = signed_in(UserFactory(username="late_voter"))
    vote_url = reverse("guide:vote", args=[theory.pk])
    before = Theory.objects.values_list("upvotes", "downvotes").get(pk=theory.pk)

    response = voter.post(vote_url, {"value": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert any("withdrawn" in message for message in messages_of(response))

    as_json = voter.post(vote_url, {"value": "-1"}, headers={"Accept": "application/json"})
    assert as_json.status_code == HTTPStatus.CONFLICT
    assert "withdrawn" in as_json.json()["error"]

    # Not even clearing the vote cast before: its counts no longer move.
    cleared = signed_in(world.other_fan).post(vote_url, {"value": "0"})
    assert cleared.status_code == HTTPStatus.FOUND
    assert Vote.objects.filter(theory=theory, user=world.other_fan).exists()
    assert Theory.objects.values_list("upvotes", "downvotes").get(pk=theory.pk) == before
    with pytest.raises(services.WithdrawnError):
        services.cast_vote(user=moderator, theory_id=theory.pk, value=1)
    assert_vote_counts_match_rows()


@pytest.mark.usefixtures("page_cache")
def test_a_withdrawn_theorys_page_offers_nobody_a_vote(world, moderator):
    """Visitors, a fan reading the page shared with fans, and a moderator, whose page
    is rendered for them alone: none is offered buttons the server would refuse."""
    theory = withdraw(world.theory)
    vote_url = reverse("guide:vote", args=[theory.pk])
    for reader in (Client(), signed_in(UserFactory(username="late_voter")), signed_in(moderator)):
        page = reader.get(theory.get_absolute_url())
        assert page.status_code == HTTPStatus.OK
        assert f'action="{vote_url}"' not in page.text
    # The rule itself, as every widget, card and the vote service ask it.
    assert not permissions.can_vote(world.other_fan, theory)


def test_comments_on_a_withdrawn_theory_are_refused_without_an_error(world, other_fan_client):
    theory = withdraw(world.theory)
    comments = Comment.objects.filter(theory=theory).count()
    url = reverse("guide:comment_create", args=[theory.pk])

    for data in ({"body": "Too late?"}, {"body": "Too late?", "preview": "1"}):
        response = other_fan_client.post(url, data)
        assert response.status_code == HTTPStatus.FOUND
        assert any("withdrawn" in message for message in messages_of(response))
    assert Comment.objects.filter(theory=theory).count() == comments
    with pytest.raises(services.WithdrawnError):
        services.post_comment(author=world.other_fan, theory=theory, body="Straight in")
    # Its page offers no comment form, and says why.
    page = page_of(other_fan_client.get(theory.get_absolute_url()))
    assert not [form for form in page.forms if form.action.startswith(url)]
    assert "Comments are closed: the theory was withdrawn." in page.text


def test_a_withdrawn_theory_is_neither_edited_deleted_again_nor_reported(
    world, fan_client, other_fan_client
):
    theory = withdraw(world.theory)
    edit = reverse("guide:theory_edit", args=[theory.pk])
    for response in (
        fan_client.get(edit),
        fan_client.post(edit, {"season": world.s2.pk, "title": "New title", "body": "New."}),
        fan_client.get(reverse("guide:theory_delete", args=[theory.pk])),
        fan_client.post(reverse("guide:theory_delete", args=[theory.pk])),
        other_fan_client.get(reverse("guide:report_theory", args=[theory.pk])),
        other_fan_client.post(reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam"}),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == theory.get_absolute_url()
    theory.refresh_from_db()
    assert theory.title == THEORY_TITLE
    assert not Report.objects.filter(theory=theory).exists()
    with pytest.raises(services.WithdrawnError):
        services.edit_theory(theory=theory, title="Sneaky", body="Changed.")
    with pytest.raises(services.WithdrawnError):
        services.delete_theory(theory=theory)
    # Its comments may still be reported: they are on the page.
    report_comment = reverse("guide:report_comment", args=[world.comment.pk])
    assert fan_client.get(report_comment).status_code == HTTPStatus.OK


# It leaves every listing ---------------------------------------------------------------------


def listing_urls(world) -> dict[str, str]:
    feed_season = reverse("guide:feed_season_theories", args=[world.show.slug, 2])
    return {
        "home": reverse("guide:home"),
        "theory list": reverse("guide:theory_list"),
        "new theories": reverse("guide:theory_list") + "?sort=new",
        "show": world.show.get_absolute_url(),
        "season guide": world.s2.get_absolute_url(),
        "character": world.on_jo.get_absolute_url(),
        "profile": reverse("accounts:profile", args=[world.fan.username]),
        "search": reverse("guide:search") + "?q=On-jo+returns",
        "feed": reverse("guide:feed_theories"),
        "show feed": reverse("guide:feed_show_theories", args=[world.show.slug]),
        "season feed": feed_season,
        "sitemap": reverse("sitemap_section", args=["theories"]),
    }


def test_a_withdrawn_theory_leaves_listings_search_feeds_and_the_sitemap(world):
    theory = world.theory
    pk_address = f"/theories/{theory.pk}/"
    for name, url in listing_urls(world).items():
        assert pk_address in Client().get(url).content.decode(), f"{name} lists it before"
    withdraw(theory)
    for who, client in {"visitor": Client(), "its author": signed_in(world.fan)}.items():
        for name, url in listing_urls(world).items():
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK, (who, name)
            content = response.content.decode()
            assert pk_address not in content, (who, name)
            assert THEORY_TITLE not in content, (who, name)


def test_a_withdrawn_theory_leaves_the_prediction_records(world):
    before = selectors.with_theory_record(world.fan)
    assert (before.still_open, before.total_score) == (1, 1)  # the world's theory, +1

    withdraw(world.theory)

    after = selectors.with_theory_record(world.fan)
    assert (after.still_open, after.total_score) == (0, 0)
    assert after.confirmed == before.confirmed == 1  # the settled theory still counts
    leader = next(fan for fan in selectors.leaderboard() if fan.pk == world.fan.pk)
    assert (leader.confirmed, leader.partly, leader.debunked) == (1, 0, 0)


def test_listing_pages_cost_the_same_queries_with_withdrawn_theories(world):
    readers = {"visitor": Client(), "author": signed_in(world.fan)}
    urls = {
        "theory list": reverse("guide:theory_list"),
        "home": reverse("guide:home"),
        "profile": reverse("accounts:profile", args=[world.fan.username]),
        "search": reverse("guide:search") + "?q=half-zombie",
    }

    def measure():
        return {
            (who, name): count_queries(client, url)
            for who, client in readers.items()
            for name, url in urls.items()
        }

    def grow():
        for number in range(4):
            theory = services.post_theory(
                author=world.fan, season=world.s2, title=f"Half-zombie {number}", body="A theory."
            )
            services.post_comment(author=world.other_fan, theory=theory, body="Hmm.")
            services.delete_theory(theory=theory)
            services.post_theory(
                author=world.fan,
                season=world.s2,
                title=f"Kept half-zombie {number}",
                body="A theory.",
            )

    assert_queries_do_not_grow(measure, grow, "listings with withdrawn theories")


# Moderators keep what they need ----------------------------------------------------------------


def test_reports_on_a_withdrawn_theory_stay_open_in_the_moderation_admin(
    world, moderator, moderator_client
):
    report = services.report(
        reporter=world.other_fan, reason=ReportReason.ABUSE, theory=world.theory
    )
    theory = withdraw(world.theory)

    queue = moderator_client.get(admin_url(Report, "changelist"), {"status__exact": "open"})
    assert queue.status_code == HTTPStatus.OK
    assert f"{THEORY_TITLE} (withdrawn)" in Page(queue).text

    page = page_of(moderator_client.get(admin_url(Report, "change", report.pk)))
    assert THEORY_TITLE in page.text
    assert BODY_WORD in page.text
    assert "Withdrawn by its author" in page.text
    assert theory.get_absolute_url() in page.hrefs

    # Moderators can still act on it: hiding it resolves the report.
    services.uphold_report(moderator=moderator, report_row=report, reason="Rude")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RESOLVED
    assert Theory.objects.get(pk=theory.pk).is_hidden


def test_withdrawing_refreshes_the_cached_pages_that_showed_it(
    world, settings, django_capture_on_commit_callbacks
):
    settings.VISITOR_PAGE_CACHE = True
    pages = [reverse("guide:theory_list"), world.s2.get_absolute_url(), reverse("guide:home")]
    for url in pages:
        assert THEORY_TITLE in Client().get(url).content.decode(), url

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_theory(theory=world.theory)

    for url in pages:
        assert THEORY_TITLE not in Client().get(url).content.decode(), url
    page = page_of(Client().get(Theory.objects.get(pk=world.theory.pk).get_absolute_url()))
    assert WITHDRAWN in page.h1
