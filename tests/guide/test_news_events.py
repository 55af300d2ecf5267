"""A season's news, verdicts and moderators' decisions reach the inbox and mail: a new
release date, status or fact reaches who follows the season; a verdict, who follows or
wrote the theory; hiding or restoring, who wrote what was hidden. None of them carries
text that could give a season away: not the verdict, not the fact, not the reason."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from guide import services, tasks
from guide.models import NewsChange, Notification, NotificationKind, Outcome, SeasonStatus
from tests.factories import CommentFactory, SeasonFactory, TheoryFactory, UserFactory
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def aired(db):
    return SeasonFactory(
        number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )


def inbox_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("guide:inbox")).text


def mails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


# Verdicts -------------------------------------------------------------------------------


def test_a_verdict_reaches_who_follows_or_wrote_the_theory_without_the_verdict(
    aired, moderator, django_capture_on_commit_callbacks
):
    author, follower, bystander = UserFactory(), UserFactory(), UserFactory()
    theory = TheoryFactory(
        author=author,
        season=aired,
        title="Cheong-san survives the fire",
        spoiler_season=1,
        spoiler_free_title="About the boy in the fire",
    )
    services.follow(user=follower, theory=theory)
    services.follow(user=moderator, theory=theory)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.DEBUNKED)
    told = set(
        Notification.objects.filter(kind=NotificationKind.VERDICT).values_list(
            "recipient", flat=True
        )
    )
    assert told == {author.pk, follower.pk}  # not the moderator, nor a bystander
    html = inbox_of(follower)
    assert "A theory you follow was settled: “About the boy in the fire”" in html
    assert "Debunked" not in html
    assert "Cheong-san" not in html
    (message,) = mails_to(follower)
    assert message.subject == "A theory you follow was settled: “About the boy in the fire”"
    assert "Debunked" not in message.body
    assert "Cheong-san" not in message.body
    assert mails_to(bystander) == []
    # A retried delivery adds nothing.
    action_id = Notification.objects.filter(recipient=follower).get().action_id
    tasks.deliver_decision.call(action_id)
    assert Notification.objects.filter(recipient=follower).count() == 1
    assert len(mails_to(follower)) == 1


# Moderators' decisions ----------------------------------------------------------------------


def test_hiding_and_restoring_a_comment_tell_its_author(
    aired, moderator, django_capture_on_commit_callbacks
):
    writer = UserFactory()
    theory = TheoryFactory(season=aired, title="The lab made the virus")
    comment = CommentFactory(theory=theory, author=writer, body="Rude words")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=comment, hidden=True, reason="rude")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=comment, hidden=False)
    lines = Notification.objects.filter(recipient=writer).order_by("created_at", "pk")
    assert [(line.kind, line.change) for line in lines] == [
        (NotificationKind.MODERATION, NewsChange.HIDDEN),
        (NotificationKind.MODERATION, NewsChange.RESTORED),
    ]
    html = inbox_of(writer)
    assert "A moderator hid your comment on “The lab made the virus”" in html
    assert "A moderator restored your comment on “The lab made the virus”" in html
    assert "rude" not in html
    # Decisions come seldom: each goes at once, without the quiet time of replies.
    assert [message.subject for message in mails_to(writer)] == [
        "A moderator hid your comment on “The lab made the virus”",
        "A moderator restored your comment on “The lab made the virus”",
    ]
    assert not Notification.objects.filter(recipient=moderator).exists()


def test_hiding_a_theory_tells_its_author_and_the_line_still_names_it(
    aired, moderator, django_capture_on_commit_callbacks
):
    writer = UserFactory()
    theory = TheoryFactory(author=writer, season=aired, title="The school was a lab")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    assert "A moderator hid your theory “The school was a lab”" in inbox_of(writer)


# A season's news ----------------------------------------------------------------------------


def test_an_editor_setting_a_release_date_and_status_tells_the_seasons_followers(
    superuser_client, django_capture_on_commit_callbacks
):
    season = SeasonFactory(number=2, status=SeasonStatus.ANNOUNCED, release_date=None)
    follower, bystander = UserFactory(), UserFactory()
    services.follow_season(user=follower, season=season)
    url = admin_url(type(season), "change", season.pk)
    data = change_form_fields(superuser_client.get(url))
    data |= {"release_date": ["2026-12-25"], "status": [SeasonStatus.COMING_SOON]}
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    html = inbox_of(follower)
    assert f"{season} has a release date: 25 December 2026" in html
    assert f"{season} is now: Coming soon" in html
    # One save, one mail: what it changed, each on a line.
    (message,) = mails_to(follower)
    assert message.subject == f"News of {season}"
    assert message.body.startswith(
        f"News of {season}\n"
        f"- {season} has a release date: 25 December 2026\n"
        f"- {season} is now: Coming soon\n"
    )
    assert not Notification.objects.filter(recipient=bystander).exists()
    # Saving again without a change tells nobody anything more.
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(url, change_form_fields(superuser_client.get(url)))
    assert Notification.objects.filter(recipient=follower).count() == 2


def test_a_new_fact_is_news_without_its_text(superuser_client, django_capture_on_commit_callbacks):
    season = SeasonFactory(number=2, status=SeasonStatus.ANNOUNCED)
    follower = UserFactory()
    services.follow_season(user=follower, season=season)
    url = admin_url(type(season), "add").replace("season", "fact")
    data = change_form_fields(superuser_client.get(url))
    data |= {
        "season": [str(season.pk)],
        "question_en": ["Does Nam-ra return?"],
        "answer_en": ["She leads the half-zombies."],
        "kind": ["official"],
        "order": ["1"],
        "spoiler_season": ["1"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.text[:2000]
    html = inbox_of(follower)
    assert f"1 new fact about {season}" in html
    assert "Nam-ra" not in html
    assert "half-zombies" not in html
    (message,) = mails_to(follower)
    assert "Nam-ra" not in message.body + message.subject
    assert season.get_absolute_url() in message.body
    # The line leads to the season's page, where the shield is.
    client = Client()
    client.force_login(follower)
    line = Notification.objects.get(recipient=follower)
    response = client.post(reverse("guide:inbox_open", args=[line.pk]))
    assert response["Location"] == season.get_absolute_url()


def test_news_of_an_unpublished_show_tells_nobody(django_capture_on_commit_callbacks):
    season = SeasonFactory(number=2, show__is_published=False)
    services.follow_season(user=UserFactory(), season=season)
    with django_capture_on_commit_callbacks(execute=True):
        services.announce_season_change(season=season, changes=[NewsChange.STATUS])
    assert not Notification.objects.exists()


def test_a_decision_on_a_comment_does_not_name_a_theory_its_writer_may_no_longer_read(
    aired, moderator, django_capture_on_commit_callbacks
):
    writer = UserFactory()
    theory = TheoryFactory(season=aired, title="A title that is gone")
    comment = CommentFactory(theory=theory, author=writer)
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=comment, hidden=True, reason="spam")
    html = inbox_of(writer)
    assert "A moderator hid your comment on a theory that is no longer shown" in html
    assert "A title that is gone" not in html
    (message,) = mails_to(writer)
    assert "A title that is gone" not in message.subject + message.body


def test_reopening_a_theory_is_no_news(aired, moderator, django_capture_on_commit_callbacks):
    theory = TheoryFactory(season=aired, outcome=Outcome.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.OPEN)
    assert not Notification.objects.exists()


def test_a_season_edited_from_its_shows_page_is_news_too(
    superuser_client, django_capture_on_commit_callbacks
):
    season = SeasonFactory(number=2, status=SeasonStatus.ANNOUNCED, release_date=None)
    follower = UserFactory()
    services.follow_season(user=follower, season=season)
    url = admin_url(type(season.show), "change", season.show.pk)
    data = change_form_fields(superuser_client.get(url))
    row = next(
        name.removesuffix("-id")
        for name, values in data.items()
        if name.startswith("seasons-") and name.endswith("-id") and values == [str(season.pk)]
    )
    data[f"{row}-status"] = [SeasonStatus.COMING_SOON]
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert f"{season} is now: Coming soon" in inbox_of(follower)
