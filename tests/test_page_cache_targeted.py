"""One fan's writes refresh only the cached pages that show what they changed."""

import contextlib
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts import tokens as account_tokens
from accounts.models import DataExport
from core import freshness, pagecache
from core.pagecache import cache_for_visitors, depends_on, personal
from guide import services
from guide.models import (
    Notification,
    Outcome,
    Prediction,
    Report,
    SeasonStatus,
    Theory,
    TheoryImage,
)
from tests.factories import (
    CharacterFactory,
    CommentFactory,
    NotificationFactory,
    PredictionFactory,
    SeasonFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.admin_world import image_upload
from tests.kit.introspection import own_functions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def world(fan):
    season = SeasonFactory()
    stranger = UserFactory(username="stranger")
    theory_a = TheoryFactory(season=season, author=stranger, title="Cheong-san lives on")
    theory_b = TheoryFactory(season=season, author=stranger, title="On-jo leads the rescue")
    comment = CommentFactory(theory=theory_a, author=fan, body="First thoughts")
    return {"season": season, "a": theory_a, "b": theory_b, "comment": comment}


def other_pages(world) -> list[str]:
    """Every kind of cached page that does not show theory A's comments."""
    season = world["season"]
    return [
        world["b"].get_absolute_url(),
        reverse("guide:home"),
        reverse("guide:show_list"),
        season.show.get_absolute_url(),
        season.get_absolute_url(),
        reverse("guide:theory_list"),
        reverse("guide:theory_list") + "?sort=new",
        reverse("guide:leaderboard"),
        reverse("guide:moderation_log"),
        reverse("guide:search") + "?q=rescue",
        reverse("accounts:profile", args=["stranger"]),
    ]


def warm(urls):
    for url in urls:
        assert Client().get(url).status_code == HTTPStatus.OK, url


def assert_cached(urls, django_assert_num_queries):
    for url in urls:
        with django_assert_num_queries(0):
            assert Client().get(url).status_code == HTTPStatus.OK, url


def test_a_comment_edit_refreshes_its_theory_page_and_nothing_else(
    fan_client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    theory_a = world["a"].get_absolute_url()
    warm([theory_a, *other_pages(world)])
    edit = reverse("guide:comment_edit", args=[world["comment"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = fan_client.post(edit, {"body": "Second thoughts"})
    assert response.status_code == HTTPStatus.FOUND
    assert_cached(other_pages(world), django_assert_num_queries)
    page = Client().get(theory_a).text
    assert "Second thoughts" in page
    assert "First thoughts" not in page


def test_a_new_comment_and_a_deleted_one_refresh_only_their_theory_page(
    fan, fan_client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    theory_a = world["a"].get_absolute_url()
    warm([theory_a, *other_pages(world)])
    with django_capture_on_commit_callbacks(execute=True):
        services.post_comment(author=fan, theory=world["a"], body="A brand new comment")
    assert_cached(other_pages(world), django_assert_num_queries)
    assert "A brand new comment" in Client().get(theory_a).text
    with django_capture_on_commit_callbacks(execute=True):
        fan_client.post(reverse("guide:comment_delete", args=[world["comment"].pk]))
    assert_cached(other_pages(world), django_assert_num_queries)
    assert "First thoughts" not in Client().get(theory_a).text


def test_a_theory_edit_refreshes_the_lists_but_not_other_theory_pages(
    fan, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    theory_b, listing = world["b"].get_absolute_url(), reverse("guide:theory_list")
    warm([theory_b, listing, world["a"].get_absolute_url()])
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_theory(theory=world["a"], title="Cheong-san is back", body="Look closer.")
    assert_cached([theory_b], django_assert_num_queries)
    assert "Cheong-san is back" in Client().get(listing).text
    assert "Look closer." in Client().get(world["a"].get_absolute_url(), follow=True).text


@pytest.mark.parametrize("characters", [0, 2])
def test_a_theory_edit_that_leaves_its_card_alone_leaves_the_listings_cached(
    world, characters, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Cards show a theory's title, spoiler tag and characters, not its text."""
    theory_a = world["a"]
    kept = CharacterFactory.create_batch(characters, show=world["season"].show)
    theory_a.characters.set(kept)
    card_pages = [p for p in other_pages(world) if "search" not in p]
    text_pages = [reverse("guide:feed_theories"), reverse("guide:search") + "?q=rooftop"]
    warm([theory_a.get_absolute_url(), *card_pages, *text_pages])
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_theory(
            theory=theory_a,
            title=theory_a.title,
            body="It happens on the rooftop.",
            characters=kept,
        )
    assert_cached(card_pages, django_assert_num_queries)
    assert "It happens on the rooftop." in Client().get(theory_a.get_absolute_url()).text
    assert "It happens on the rooftop." in Client().get(text_pages[0]).text
    assert theory_a.title in Client().get(text_pages[1]).text


def test_a_theory_edit_that_changes_its_characters_refreshes_the_listings(
    world, django_capture_on_commit_callbacks
):
    theory_a = world["a"]
    hero = CharacterFactory(show=world["season"].show, name="Lee Su-hyeok")
    about_hero = hero.get_absolute_url()
    assert theory_a.title not in Client().get(about_hero).text
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_theory(
            theory=theory_a, title=theory_a.title, body=theory_a.body, characters=[hero]
        )
    assert theory_a.title in Client().get(about_hero).text


def test_a_reworded_claim_shows_at_once_on_its_page_and_its_theorys(
    fan, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    mine = TheoryFactory(author=fan, season=world["season"], title="Su-hyeok wakes")
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.state_prediction(
            user=fan, theory=mine, claim="Su-hyeok wakes up", criteria="On screen", percent=30
        )
    pages, elsewhere = [claim.get_absolute_url(), mine.get_absolute_url()], other_pages(world)
    warm([*pages, *elsewhere])
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_prediction(
            user=fan, prediction=claim, claim="Su-hyeok wakes up first", criteria="On screen"
        )
    for url in pages:
        assert "Su-hyeok wakes up first" in Client().get(url).text, url
    assert_cached(elsewhere, django_assert_num_queries)


def test_a_reworded_question_shows_at_once_on_its_page(
    world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A community question belongs to no theory: only its own page shows it."""
    question = PredictionFactory(season=world["season"], claim="Nam-ra returns")
    elsewhere = other_pages(world)
    warm([question.get_absolute_url(), *elsewhere])
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_question(prediction=question, claim="Nam-ra returns in May", criteria="Aired")
    assert "Nam-ra returns in May" in Client().get(question.get_absolute_url()).text
    assert_cached(elsewhere, django_assert_num_queries)


def test_a_hidden_comment_leaves_its_theory_page_and_shows_in_the_log_at_once(
    moderator, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    theory_a, log = world["a"].get_absolute_url(), reverse("guide:moderation_log")
    warm([theory_a, log, world["b"].get_absolute_url()])
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=world["comment"], hidden=True, reason="rude")
    assert_cached([world["b"].get_absolute_url()], django_assert_num_queries)
    assert "First thoughts" not in Client().get(theory_a).text
    assert "rude" in Client().get(log).text


def test_a_hidden_theory_leaves_its_own_page_at_once(
    moderator, world, django_capture_on_commit_callbacks
):
    theory_a = world["a"].get_absolute_url()
    warm([theory_a])
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=world["a"], hidden=True, reason="spam")
    assert Client().get(theory_a).status_code == HTTPStatus.NOT_FOUND


def test_a_renamed_commenter_shows_at_once_on_the_theory_page(
    fan, fan_client, world, django_capture_on_commit_callbacks
):
    theory_a = world["a"].get_absolute_url()
    assert fan.public_name in Client().get(theory_a).text
    with django_capture_on_commit_callbacks(execute=True):
        fan_client.post(
            reverse("accounts:settings"),
            {"display_name": "Rooftop Survivor", "bio": "", "email": "fan@example.org"},
        )
    assert "Rooftop Survivor" in Client().get(theory_a).text


def test_votes_leave_every_cached_page_alone(
    fan, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Votes come in floods: cached counts age out (core.pagecache.VISITOR_PAGE_SECONDS)."""
    pages = [world["a"].get_absolute_url(), *other_pages(world)]
    warm(pages)
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(user=fan, theory_id=world["a"].pk, value=1)
    assert_cached(pages, django_assert_num_queries)


# The mechanism (core.freshness and core.pagecache), on a view of its own ------------------


def counting_view(shown: dict, *, topics=("thing",), during=None, **cached):
    """A cached view that returns shown["text"] and counts its renders."""
    shown.setdefault("renders", 0)

    @cache_for_visitors(topics=topics, **cached)
    def view(request):
        shown["renders"] += 1
        text = shown["text"]
        if during is not None:
            during(request)
        return HttpResponse(text)

    return view


def test_a_write_that_commits_while_a_page_renders_makes_that_page_stale(
    rf, django_capture_on_commit_callbacks
):
    shown = {"text": "before"}

    def write_after_the_read(request):
        if shown["renders"] == 1:
            shown["text"] = "after"
            with django_capture_on_commit_callbacks(execute=True):
                freshness.touch("thing")

    view = counting_view(shown, during=write_after_the_read)
    assert view(rf.get("/")).content == b"before"
    assert view(rf.get("/")).content == b"after"
    assert view(rf.get("/")).content == b"after"
    assert shown["renders"] == 2


def test_a_topic_named_while_rendering_is_kept_with_the_page(
    rf, django_capture_on_commit_callbacks
):
    shown = {"text": "v1"}
    view = counting_view(shown, topics=(), during=lambda request: depends_on(request, "late"))
    view(rf.get("/"))
    view(rf.get("/"))
    assert shown["renders"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch("unrelated")
    view(rf.get("/"))
    assert shown["renders"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch("late")
    view(rf.get("/"))
    assert shown["renders"] == 2


def test_the_site_topic_refreshes_every_page(rf, django_capture_on_commit_callbacks):
    shown = {"text": "x"}
    view = counting_view(shown)
    view(rf.get("/"))
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch(freshness.SITE)
    view(rf.get("/"))
    assert shown["renders"] == 2


def test_a_write_that_rolls_back_touches_nothing(rf):
    shown = {"text": "x"}
    view = counting_view(shown)
    view(rf.get("/"))
    with contextlib.suppress(RuntimeError), transaction.atomic():
        freshness.touch("thing")
        raise RuntimeError
    view(rf.get("/"))
    assert shown["renders"] == 1


def test_an_evicted_version_counts_as_moved(rf, django_capture_on_commit_callbacks):
    shown = {"text": "x"}
    view = counting_view(shown)
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch("thing")
    view(rf.get("/"))
    cache.delete_many(freshness.keys_of(["thing"]))
    view(rf.get("/"))
    assert shown["renders"] == 2


def test_a_write_must_name_what_it_changed():
    with pytest.raises(ValueError, match="Name what"):
        freshness.touch()


@pytest.mark.parametrize("arguments", [{"topics": "theories"}, {"topics": [], "params": "page"}])
def test_topics_and_parameters_are_lists_not_strings(arguments):
    with pytest.raises(TypeError) as refused:
        cache_for_visitors(**arguments)
    assert str(refused.value) == "Name topics and query parameters in a list, not a string."


def signed_in_request(rf, user):
    """A GET as the middleware leaves it for a signed-in reader: what the cache looks at."""
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "signed-in"
    request.user, request.session, request.LANGUAGE_CODE = user, SessionStore(), "en"
    return request


@pytest.mark.parametrize(
    ("marked", "renders"), [({}, 2), ({"fans": False}, 2), ({"fans": True}, 1)]
)
def test_only_views_marked_for_fans_share_their_pages_with_them(rf, fan, marked, renders):
    """Unless a view says fans=True, each signed-in fan gets it rendered for them alone."""
    shown = {"renders": 0}

    @cache_for_visitors(topics=["thing"], **marked)
    def view(request):
        shown["renders"] += 1
        return HttpResponse("page")

    for _ in range(2):
        assert view(signed_in_request(rf, fan)).content == b"page"
    assert shown["renders"] == renders
    # What the tests that enumerate shared views (test_pagecache_fans) go by.
    assert view.shared_with_fans is marked.get("fans", False)


def test_no_write_but_an_editors_refreshes_the_whole_site(
    fan, moderator, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The show list shows editors' content only: no fan's or moderator's write, through
    any service of either app, may make it stale. A new service must join this list."""
    released = SeasonFactory(
        show=world["season"].show, status=SeasonStatus.RELEASED, release_date=date(2022, 1, 28)
    )
    settled = TheoryFactory(season=released)
    leaving = UserFactory(username="leaving")
    theory_a, comment = world["a"], world["comment"]
    question = PredictionFactory(season=world["season"])
    mine = TheoryFactory(author=fan, season=world["season"])
    writes = {
        services: {
            "cast_vote": lambda: services.cast_vote(user=fan, theory_id=theory_a.pk, value=1),
            "cast_comment_vote": lambda: services.cast_comment_vote(
                user=fan, comment_id=world["comment"].pk, value=0
            ),
            "recount_votes": lambda: services.recount_votes(theory_ids=[theory_a.pk]),
            "remove_votes_of": lambda: services.remove_votes_of(user=fan),
            "post_theory": lambda: services.post_theory(
                author=fan, season=world["season"], title="New", body="Text."
            ),
            "edit_theory": lambda: services.edit_theory(theory=theory_a, title="A", body="B"),
            "post_comment": lambda: services.post_comment(author=fan, theory=theory_a, body="Hi"),
            "edit_comment": lambda: services.edit_comment(comment=comment, body="Edited"),
            "report": lambda: services.report(reporter=fan, reason="spam", theory=world["b"]),
            "save_report": lambda: services.save_report(
                reporter=fan, reason="abuse", theory=world["b"]
            ),
            "close_report": lambda: services.close_report(
                moderator=moderator, report_row=Report.objects.get(), dismissed=True
            ),
            "uphold_report": lambda: services.uphold_report(
                moderator=moderator,
                report_row=services.report(reporter=fan, reason="spam", theory=world["b"]),
            ),
            "set_hidden": lambda: services.set_hidden(
                moderator=moderator, item=world["b"], hidden=True, reason="spam"
            ),
            "add_theory_image": lambda: services.add_theory_image(
                theory=mine, image=image_upload(), alt="A panel"
            ),
            "remove_theory_image": lambda: services.remove_theory_image(
                image=TheoryImage.objects.filter(theory=mine).first()
            ),
            "set_image_hidden": lambda: services.set_image_hidden(
                moderator=moderator,
                image=TheoryImage.objects.create(
                    theory=mine, image=image_upload(), alt="Another panel"
                ),
                hidden=True,
            ),
            "set_outcome": lambda: services.set_outcome(
                moderator=moderator, theory=settled, outcome=Outcome.CONFIRMED
            ),
            "save_progress": lambda: services.save_progress(
                user=fan, show=world["season"].show, seasons_watched=1
            ),
            "delete_comment": lambda: services.delete_comment(comment=comment),
            "delete_theory": lambda: services.delete_theory(theory=theory_a),
            "forget_fan": lambda: services.forget_fan(user=fan),
            "deliver_comment": lambda: services.deliver_comment(comment_id=world["comment"].pk),
            "follow": lambda: services.follow(user=fan, theory=world["b"]),
            "follow_season": lambda: services.follow_season(user=fan, season=world["season"]),
            "unfollow_season": lambda: services.unfollow_season(user=fan, season=world["season"]),
            "deliver_theory": lambda: services.deliver_theory(theory_id=world["b"].pk),
            "unfollow": lambda: services.unfollow(user=fan, theory=world["b"]),
            "mark_read": lambda: services.mark_read(user=fan),
            "save_item": lambda: services.save_item(user=fan, item=world["b"]),
            "unsave_item": lambda: services.unsave_item(user=fan, item=world["b"]),
            "announce_season_change": lambda: services.announce_season_change(
                season=world["season"], changes=["status"]
            ),
            "deliver_mentions": lambda: services.deliver_mentions(comment_id=comment.pk),
            "deliver_decision": lambda: services.deliver_decision(action_id=0),
            "deliver_season_change": lambda: services.deliver_season_change(
                season_id=world["season"].pk, changes=["status"], at=timezone.now()
            ),
            "follow_show": lambda: services.follow_show(user=fan, show=world["season"].show),
            "unfollow_show": lambda: services.unfollow_show(user=fan, show=world["season"].show),
            "follow_fan": lambda: services.follow_fan(user=fan, fan=moderator),
            "unfollow_fan": lambda: services.unfollow_fan(user=fan, fan=moderator),
            "choose_mail": lambda: services.choose_mail(user=fan, choices={"reply": "off"}),
            "stop_mail": lambda: services.stop_mail(user_id=fan.pk, kinds=["comment"]),
            "remember_language": lambda: services.remember_language(user=fan, language="ko"),
            "claim_line": lambda: services.claim_line(
                lines=[NotificationFactory(recipient=fan)],
                now=timezone.now(),
                daily_limit=10,
                quiet=timedelta(hours=1),
            ),
            "claim_lines": lambda: services.claim_lines(
                Notification.objects.all(), recipient_id=fan.pk, now=timezone.now(), daily_limit=10
            ),
            "release_lines": lambda: services.release_lines(
                recipient_id=fan.pk, claimed_at=timezone.now()
            ),
            "forecast": lambda: services.forecast(user=fan, prediction=question, percent=40),
            "state_prediction": lambda: services.state_prediction(
                user=fan, theory=mine, claim="It happens", criteria="On screen", percent=30
            ),
            "edit_prediction": lambda: services.edit_prediction(
                user=fan,
                prediction=Prediction.objects.get(theory=mine),
                claim="It happens, on screen",
                criteria="On screen",
            ),
            "edit_question": lambda: services.edit_question(
                prediction=question, claim="Reworded", criteria="Anything"
            ),
            "resolve_prediction": lambda: services.resolve_prediction(
                moderator=moderator, prediction=question, resolution="no", source_url="https://x"
            ),
            "rescore_prediction": lambda: services.rescore_prediction(prediction=question),
            "rescore_season": lambda: services.rescore_season(season=world["season"]),
            "recount_boards": lambda: services.recount_boards(fan_ids=[fan.pk, settled.author_id]),
            "recount_boards_on": lambda: services.recount_boards_on(seasons=[world["season"]]),
            "recount_crowds": lambda: services.recount_crowds(prediction_ids=[question.pk]),
            "delete_theories_as_staff": lambda: services.delete_theories_as_staff(
                theories=Theory.objects.filter(pk=settled.pk)
            ),
        },
        account_services: {
            "update_profile": lambda: account_services.update_profile(
                user=fan, display_name="Renamed", bio=""
            ),
            "sign_up": lambda: account_services.sign_up(
                username="newcomer", email="newcomer@example.org", password="a long passphrase"
            ),
            "request_email_change": lambda: account_services.request_email_change(
                user=fan, address="moved@example.org"
            ),
            "confirm_email": lambda: account_services.confirm_email(
                token=account_tokens.make(user_id=fan.pk, address="moved@example.org")
            ),
            "delete_account": lambda: account_services.delete_account(user=leaving),
            "queue_export": lambda: account_services.queue_export(user=fan),
            "prepare_export": lambda: account_services.prepare_export(
                export_id=DataExport.objects.create(user=fan).pk
            ),
        },
    }
    # Reads, or a lock other writes take first: none of them changes what a page shows.
    reads_only = {
        "theory_text_fields",
        "hold_fan",
        "hold_fan_by_id",
        "pending_change",
        "mentioned_fans",
        "derived_outcome",
    }
    for module, calls in writes.items():
        public = set(own_functions(module))
        assert public - reads_only == set(calls), module.__name__
    editors_only = reverse("guide:show_list")
    warm([editors_only])
    for calls in writes.values():
        for name, write in calls.items():
            with django_capture_on_commit_callbacks(execute=True):
                write()
            with django_assert_num_queries(0):
                assert Client().get(editors_only).status_code == HTTPStatus.OK, name


def choose_first_variant(request, holes):
    return [variants["first"] for _key, variants in holes]


def choose_for_one_hole_only(request, holes):
    return [variants["first"] for _key, variants in holes[:1]]


@pytest.mark.parametrize(
    ("chooser", "answers_every_hole"),
    [("choose_first_variant", True), ("choose_for_one_hole_only", False)],
)
def test_a_chooser_must_fill_every_hole_it_is_given(rf, fan, chooser, answers_every_hole):
    """A hole left empty would be a page missing the reader's own part, silently."""

    @cache_for_visitors(topics=["thing"], fans=True)
    def view(request):
        path = f"tests.test_page_cache_targeted.{chooser}"
        holes = [personal(request, path, n, {"first": f"<b>{n}</b>"}) for n in (1, 2)]
        return HttpResponse(f"<p>{holes[0]}|{holes[1]}</p>")

    request = signed_in_request(rf, fan)
    if answers_every_hole:
        assert view(request).content == b"<p><b>1</b>|<b>2</b></p>"
    else:
        with pytest.raises(ValueError, match="zip"):
            view(request)


def test_a_render_that_changed_the_session_is_not_kept(rf):
    """What a render put in the session is that reader's: the page it made is theirs."""
    shown = {"renders": 0}

    @cache_for_visitors(topics=["thing"])
    def view(request):
        shown["renders"] += 1
        request.session["seen"] = True
        return HttpResponse("page")

    for _ in range(2):
        request = rf.get("/")
        request.session, request.LANGUAGE_CODE = SessionStore(), "en"
        view(request)
    assert shown["renders"] == 2


@pytest.fixture
def page_timeouts(monkeypatch) -> list:
    """The timeout of each page stored from now on."""
    kept = []
    set_in_cache = cache.set

    def recording_set(key, value, timeout=None, *args, **kwargs):
        if key.startswith("pages:"):
            kept.append(timeout)
        return set_in_cache(key, value, timeout, *args, **kwargs)

    monkeypatch.setattr(pagecache.cache, "set", recording_set)
    return kept


def test_pages_are_kept_for_the_visitor_page_seconds(rf, page_timeouts):
    counting_view({"text": "x"})(rf.get("/"))
    assert page_timeouts == [pagecache.VISITOR_PAGE_SECONDS]


def test_a_page_without_counts_is_kept_as_long_as_its_view_says(rf, page_timeouts):
    counting_view({"text": "x"}, seconds=600)(rf.get("/"))
    assert page_timeouts == [600]


def test_a_page_that_changes_at_a_moment_is_kept_no_later(rf, page_timeouts):
    moment = timezone.now() + timedelta(seconds=100)
    shown = {"text": "x"}
    view = counting_view(shown, seconds=600, during=lambda r: pagecache.lasts_until(r, moment))
    view(rf.get("/"))
    assert len(page_timeouts) == 1
    assert 98 <= page_timeouts[0] <= 100


def test_a_page_with_a_second_and_more_left_is_kept_for_that_second(rf, page_timeouts):
    moment = timezone.now() + timedelta(milliseconds=1900)
    view = counting_view({"text": "x"}, during=lambda r: pagecache.lasts_until(r, moment))
    view(rf.get("/"))
    assert page_timeouts == [1]


def test_lasts_until_does_nothing_outside_a_render_for_the_cache(rf):
    pagecache.lasts_until(rf.get("/"), timezone.now() + timedelta(minutes=5))  # no error


def test_a_page_that_changes_within_a_second_is_not_kept(rf, page_timeouts):
    moment = timezone.now() + timedelta(milliseconds=500)
    shown = {"text": "x"}
    view = counting_view(shown, during=lambda r: pagecache.lasts_until(r, moment))
    view(rf.get("/"))
    view(rf.get("/"))
    assert page_timeouts == []
    assert shown["renders"] == 2


def test_a_prediction_page_is_kept_until_its_forecasts_lock(page_timeouts):
    season = SeasonFactory(forecasts_lock_at=timezone.now() + timedelta(minutes=2))
    prediction = PredictionFactory(season=season)
    assert Client().get(prediction.get_absolute_url()).status_code == HTTPStatus.OK
    assert len(page_timeouts) == 1
    assert 110 <= page_timeouts[0] <= 120
    unlocked = PredictionFactory(season=SeasonFactory())
    assert Client().get(unlocked.get_absolute_url()).status_code == HTTPStatus.OK
    assert page_timeouts[1] > pagecache.VISITOR_PAGE_SECONDS
