"""Pages shared with signed-in fans (core.pagecache, `fans=True`): a fan gets the page
another fan's visit stored, with their own parts filled in for them, and that page is
exactly the one rendered for them alone: their name, their votes, their shield.

Every view shared with fans is found by introspection of the URL patterns, so a new
one is covered as soon as it is shared (and fails here until it has an address below).
"""

import re
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.views import FAN_PROFILE_SECONDS
from core import pagecache
from guide import services
from guide.models import Theory
from guide.views.theories import FAN_THEORY_PAGE_SECONDS
from tests.factories import TheoryFactory, UserFactory
from tests.kit.shield import open_part
from tests.kit.worlds import NOT_ANSWERED, World, build_world, reader_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LEVELS = [NOT_ANSWERED, 0, 1]


def _shared_patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _shared_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "shared_with_fans", False):
            yield f"{namespace}{entry.name}"


SHARED_WITH_FANS = sorted(set(_shared_patterns()))


def address(name: str, world: World) -> str:
    """A page of each view shared with fans, showing theories where it can."""
    show = world.show
    return {
        "guide:home": lambda: reverse(name),
        "guide:show_list": lambda: reverse(name),
        "guide:show": lambda: reverse(name, args=[show.slug]),
        "guide:season": lambda: reverse(name, args=[show.slug, world.s2.number]),
        "guide:character": lambda: reverse(name, args=[show.slug, world.on_jo.slug]),
        "guide:theory_list": lambda: reverse(name),
        "guide:theory": lambda: world.theory.get_absolute_url(),
        "guide:theory_short": lambda: reverse(name, args=[world.theory.pk]),
        "guide:comment": lambda: reverse(name, args=[world.fan_comment.pk]),
        "guide:search": lambda: reverse(name) + "?q=zombie",
        "guide:leaderboard": lambda: reverse(name),
        "guide:prediction": lambda: world.claim.get_absolute_url(),
        "accounts:profile": lambda: reverse(name, args=[world.other_fan.username]),
    }[name]()


@pytest.fixture
def world():
    world = build_world()
    # Each vote widget a fan may get on one list: `fan` wrote `theory` and `settled`,
    # voted `spoiler_theory` down, votes `liked` up and has not voted on `unvoted`.
    liked = TheoryFactory(
        season=world.s2, author=world.other_fan, title="The zombie army reaches Seoul"
    )
    TheoryFactory(season=world.s2, author=world.other_fan, title="A zombie cure is found")
    services.cast_vote(user=world.fan, theory_id=liked.pk, value=1)
    # On `theory`'s page: the fan's own theory, a comment of theirs and one of other_fan's.
    world.fan_comment = services.post_comment(
        author=world.fan, theory=world.theory, body="My zombie comment"
    )
    services.post_comment(
        author=world.other_fan, theory=world.theory, parent=world.fan_comment, body="A reply"
    )
    # A claim of fan's, which they may reword, on which both fans forecast; its wording
    # gives season 1 away.
    world.claim = services.state_prediction(
        user=world.fan,
        theory=world.theory,
        claim="The cure reaches the zombie army",
        criteria="Resolves yes if season 2 shows it.",
        percent=70,
        spoiler_season=1,
    )
    services.forecast(user=world.other_fan, prediction=world.claim, percent=25)
    world.fan.display_name = "Fan Whose Page It Is"
    world.fan.save()
    world.other_fan.display_name = "The Fan Who Came First"
    world.other_fan.save()
    return world


def fan_at(world: World, user, level) -> Client:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the level moves their pages
        client = reader_client(world.show, level, user=user)
    client.get(reverse("guide:show_list"))  # shows the "saved" message, if any, once
    return client


def rendered(response) -> bool:
    """Whether the page was rendered for this request, not taken from the cache (a hole
    may render a small template of its own as the page is served)."""
    return any(template.name == "base.html" for template in response.templates)


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def comparable(html: str) -> str:
    """The page without what differs between two requests of one reader: the masked CSRF
    token (a new mask each time)."""
    return TOKEN.sub("csrfmiddlewaretoken", html)


def assert_every_token_is_the_readers(client: Client, html: str) -> None:
    """Each form's CSRF token is a mask of this reader's own secret, nothing else."""
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    tokens = TOKEN.findall(html)
    assert tokens
    for token in tokens:
        assert len(token) == CSRF_TOKEN_LENGTH, token
        assert _unmask_cipher_token(token) == secret


def card(response, theory) -> str:
    found = re.search(
        rf'<article class="theory-card[^"]*" id="theory-{theory.pk}">.*?</article>',
        response.text,
        re.S,
    )
    assert found, f"no card for theory {theory.pk}"
    return found.group(0)


def pressed_up(response, theory) -> bool:
    return 'class="vote-up" aria-pressed="true"' in card(response, theory)


def account(response) -> str:
    return re.search(r'<div class="account">(.*?)</div>', response.text, re.S).group(1)


def test_the_addresses_cover_every_view_shared_with_fans(world):
    assert SHARED_WITH_FANS, "no view is shared with fans"
    for name in SHARED_WITH_FANS:
        assert address(name, world)


@pytest.mark.parametrize("name", SHARED_WITH_FANS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_shared_page_is_the_page_rendered_for_the_fan_alone(world, name, level, settings):
    url = address(name, world)
    for first_level in LEVELS:  # other fans, at every level, visit first
        first = fan_at(world, world.other_fan, first_level).get(url, follow=True)
        assert first.status_code == HTTPStatus.OK
    reader = fan_at(world, world.fan, level)
    shared = reader.get(url, follow=True)
    assert shared.status_code == HTTPStatus.OK
    assert not rendered(shared), "the page was rendered again, not shared"
    settings.VISITOR_PAGE_CACHE = False
    alone = reader.get(url, follow=True)
    assert rendered(alone), "the page was not rendered"
    assert comparable(shared.text) == comparable(alone.text)
    assert_every_token_is_the_readers(reader, shared.text)
    assert "Fan Whose Page It Is" in account(shared)
    assert "The Fan Who Came First" not in account(shared)


# Pages with a hole that is more than a mark: a prediction's page reads the history of
# forecasts of a fan who forecast on it (the reader here), and their score once it is
# resolved; a fan who never did costs nothing more (the test below).
OWN_READS = {"guide:prediction": 1}


@pytest.mark.parametrize("name", SHARED_WITH_FANS)
def test_a_fan_gets_a_shared_page_for_one_query_their_marks(world, name):
    """Their votes, follows, saves and unread count, whatever the page shows, come in one
    query (guide.marks): the page costs a fan no more for having more of them on it. Their
    account comes from the cache (core.auth)."""
    first = fan_at(world, world.other_fan, 1).get(address(name, world), follow=True)
    url = first.redirect_chain[-1][0] if first.redirect_chain else address(name, world)
    fan = fan_at(world, world.fan, 1)
    fan.get(reverse("guide:show_list"))  # who the fan is as a reader, kept (guide.reading)
    with CaptureQueriesContext(connection) as queries:
        shared = fan.get(url)
    assert shared.status_code == HTTPStatus.OK
    assert not rendered(shared), "the page was rendered again, not shared"
    expected = 1 + OWN_READS.get(name, 0)
    assert len(queries) == expected, [query["sql"][:60] for query in queries.captured_queries]


def test_a_fans_own_vote_is_current_on_a_shared_page_at_once(world):
    url = reverse("guide:theory_list")
    fan = fan_at(world, world.fan, NOT_ANSWERED)
    fan.get(url)
    unvoted = Theory.objects.get(title="A zombie cure is found")
    assert not pressed_up(fan.get(url), unvoted)
    voted = fan.post(reverse("guide:vote", args=[unvoted.pk]), {"value": "1"})
    assert voted.status_code == HTTPStatus.FOUND
    after = fan.get(url)
    assert not rendered(after)  # still the shared page
    assert pressed_up(after, unvoted)


def test_a_fan_never_votes_on_their_own_theory_on_a_shared_page(world):
    url = reverse("guide:theory_list")
    fan_at(world, world.other_fan, NOT_ANSWERED).get(url)
    page = fan_at(world, world.fan, NOT_ANSWERED).get(url)
    assert not rendered(page)
    own = card(page, world.theory)
    assert '<div class="vote">' in own
    assert "<button" not in own
    assert '<form class="vote"' in card(page, world.spoiler_theory)


def test_staff_get_their_own_page_with_what_only_they_see(world, moderator):
    hidden = TheoryFactory(season=world.s2, author=world.other_fan, title="Hidden zombie theory")
    services.set_hidden(moderator=moderator, item=hidden, hidden=True, reason="spam")
    url = reverse("guide:theory_list")
    assert "Hidden zombie theory" not in fan_at(world, world.fan, NOT_ANSWERED).get(url).text
    moderator_page = fan_at(world, moderator, NOT_ANSWERED).get(url)
    assert rendered(moderator_page)
    assert "Hidden zombie theory" in moderator_page.text


def test_a_fan_with_hidden_content_gets_a_copy_of_their_own_with_it(world, moderator):
    url = reverse("guide:theory_list")
    services.set_hidden(moderator=moderator, item=world.theory, hidden=True, reason="spam")
    assert world.theory.title not in fan_at(world, world.other_fan, NOT_ANSWERED).get(url).text
    author = fan_at(world, world.fan, NOT_ANSWERED)
    first = author.get(url)
    assert rendered(first)  # not the other fans' page
    assert world.theory.title in first.text
    again = author.get(url)
    assert not rendered(again)  # their own copy, kept
    assert world.theory.title in again.text
    assert world.theory.title not in fan_at(world, world.other_fan, NOT_ANSWERED).get(url).text


@pytest.mark.parametrize("hidden", ["theory", "comment"])
def test_a_fan_with_hidden_content_shares_the_pages_that_do_not_show_it(
    world, moderator, hidden, settings
):
    """Only pages that may show it are their own: the listings, and the page of the
    theory it is on. Other theories' pages are the plain fans' pages."""
    item = world.theory if hidden == "theory" else world.fan_comment
    services.set_hidden(moderator=moderator, item=item, hidden=True, reason="spam")
    elsewhere, showing = world.spoiler_theory.get_absolute_url(), world.theory.get_absolute_url()
    for url in (elsewhere, showing):
        fan_at(world, world.other_fan, 1).get(url)
    author = fan_at(world, world.fan, 1)
    author.get(reverse("guide:show_list"))
    shared = author.get(elsewhere)
    assert not rendered(shared), "the plain fans' page was not shared"
    own = author.get(showing)
    assert rendered(own), "the page that shows it was the plain fans' page"
    assert (world.theory.title if hidden == "theory" else "My zombie comment") in own.text
    assert not rendered(author.get(showing))  # their own copy, kept
    settings.VISITOR_PAGE_CACHE = False
    assert comparable(shared.text) == comparable(author.get(elsewhere).text)
    assert comparable(own.text) == comparable(author.get(showing).text)


@pytest.mark.parametrize("name", SHARED_WITH_FANS)
@pytest.mark.parametrize("hidden", ["theory", "comment"])
def test_hidden_content_is_seen_by_its_author_alone_on_every_shared_page(
    world, moderator, name, hidden, settings
):
    """Whichever of them reads a page first, the author of hidden content and another
    fan each get exactly the page rendered for them alone."""
    item = world.theory if hidden == "theory" else world.fan_comment
    services.set_hidden(moderator=moderator, item=item, hidden=True, reason="spam")
    url = address(name, world)
    author, other = fan_at(world, world.fan, 1), fan_at(world, world.other_fan, 1)
    for order in ((other, author), (author, other)):
        cache.clear()
        through_cache = [reader.get(url, follow=True) for reader in order]
        settings.VISITOR_PAGE_CACHE = False
        for reader, served in zip(order, through_cache, strict=True):
            assert comparable(served.text) == comparable(reader.get(url, follow=True).text)
        settings.VISITOR_PAGE_CACHE = True


def test_a_fan_with_a_hidden_comment_shares_the_pages_that_list_its_theory(world, moderator):
    """A theory's comment count is the same for everyone, so a hidden comment keeps its
    author out of the shared pages only on its theory's page (and its own page)."""
    services.set_hidden(moderator=moderator, item=world.fan_comment, hidden=True, reason="spam")
    author = fan_at(world, world.fan, 1)
    author.get(reverse("guide:show_list"))
    listing = [
        reverse("guide:home"),
        reverse("guide:theory_list"),
        reverse("accounts:profile", args=[world.fan.username]),
    ]
    for url in listing:
        fan_at(world, world.other_fan, 1).get(url)
        page = author.get(url)
        assert world.theory.title in page.text, url
        assert not rendered(page), f"{url} was rendered for the author alone"
    assert rendered(author.get(world.theory.get_absolute_url()))


def test_a_page_that_names_no_topics_up_front_is_their_own_copy(world, moderator):
    """A comment's page names what it shows only as it renders: it may show their hidden
    comment, so it is never the plain fans' page (nor is theirs ever shown to them)."""
    services.set_hidden(moderator=moderator, item=world.fan_comment, hidden=True, reason="spam")
    url = reverse("guide:comment", args=[world.fan_comment.pk])
    author = fan_at(world, world.fan, 1)
    author.get(reverse("guide:show_list"))
    assert "My zombie comment" in author.get(url).text
    assert "My zombie comment" not in fan_at(world, world.other_fan, 1).get(url).text


def test_a_fan_reading_their_own_shared_profile_is_offered_nothing_to_follow(world, settings):
    url = reverse("accounts:profile", args=[world.fan.username])
    follow = reverse("guide:follow_fan", args=[world.fan.username])
    assert follow in fan_at(world, world.other_fan, 1).get(url).text
    reader = fan_at(world, world.fan, 1)
    own = reader.get(url)
    assert not rendered(own), "the page was rendered again, not shared"
    assert follow not in own.text
    settings.VISITOR_PAGE_CACHE = False
    assert comparable(own.text) == comparable(reader.get(url).text)


def test_a_hit_asks_the_same_few_queries_however_many_theories_it_shows(world):
    url = reverse("guide:theory_list")
    fan = fan_at(world, world.fan, NOT_ANSWERED)

    def queries_of_a_hit(cards: int) -> int:
        cache.clear()
        fan_at(world, world.other_fan, NOT_ANSWERED).get(url)
        with CaptureQueriesContext(connection) as queries:
            page = fan.get(url)
        assert not rendered(page)
        assert page.text.count('class="theory-card') == cards
        return len(queries)

    few = queries_of_a_hit(cards=5)
    author = UserFactory()
    for number in range(15):
        TheoryFactory(season=world.s2, author=author, title=f"Zombie theory {number}")
    assert queries_of_a_hit(cards=20) == few


def test_a_fans_new_watch_level_moves_their_shared_pages_at_once(
    world, django_capture_on_commit_callbacks
):
    url = reverse("guide:theory_list")
    fan = fan_at(world, world.fan, NOT_ANSWERED)
    assert world.spoiler_theory.title not in open_part(fan.get(url).text)
    with django_capture_on_commit_callbacks(execute=True):
        answered = fan.post(
            reverse("guide:set_progress"), {"show": world.show.pk, "seasons_watched": 1}
        )
    assert answered.status_code == HTTPStatus.FOUND
    fan.get(reverse("guide:show_list"))  # the "saved" message
    assert world.spoiler_theory.title in open_part(fan.get(url).text)


def test_content_hidden_after_a_fans_visit_stays_in_their_view_at_once(
    world, moderator, django_capture_on_commit_callbacks
):
    url = reverse("guide:theory_list")
    fan = fan_at(world, world.fan, NOT_ANSWERED)
    fan.get(url)
    assert not rendered(fan.get(url))  # their view of the page is the shared one
    with django_capture_on_commit_callbacks(execute=True):
        services.set_hidden(moderator=moderator, item=world.theory, hidden=True, reason="spam")
    own = fan.get(url)
    assert rendered(own)
    assert "Hidden by a moderator" in card(own, world.theory)
    assert world.theory.title not in fan_at(world, world.other_fan, NOT_ANSWERED).get(url).text


def test_a_fan_back_from_logging_in_to_vote_is_asked_to_confirm_it(world):
    url = world.spoiler_theory.get_absolute_url()
    fan_at(world, world.other_fan, NOT_ANSWERED).get(url)
    fan = fan_at(world, world.fan, NOT_ANSWERED)
    assert 'id="cast-vote"' not in fan.get(url).text
    asked = fan.get(url + "?vote=up")
    assert rendered(asked)  # their own page, not the shared one
    assert 'id="cast-vote"' in asked.text


def test_a_fan_votes_from_a_shared_page_with_the_form_it_holds(world):
    url = reverse("guide:theory_list")
    fan_at(world, world.other_fan, NOT_ANSWERED).get(url)
    fan = fan_at(world, world.fan, NOT_ANSWERED)
    fan.handler.enforce_csrf_checks = True
    unvoted = Theory.objects.get(title="A zombie cure is found")
    page = fan.get(url)
    assert not rendered(page)
    form = re.search(
        r'<form class="vote" method="post" action="([^"]+)".*?</form>', card(page, unvoted), re.S
    )
    token = TOKEN.search(form.group(0)).group(1)
    voted = fan.post(form.group(1), {"value": "1", "csrfmiddlewaretoken": token})
    assert voted.status_code == HTTPStatus.FOUND
    assert pressed_up(fan.get(url), unvoted)


def more_of_everything(world: World) -> None:
    """Ten times the theories, with votes and comments, from more fans."""
    fans = UserFactory.create_batch(5)
    for number in range(40):
        theory = TheoryFactory(
            season=world.s2, author=fans[number % 5], title=f"Zombie theory {number}"
        )
        theory.characters.add(world.on_jo)
        services.cast_vote(user=fans[(number + 1) % 5], theory_id=theory.pk, value=1)
        services.cast_vote(user=world.fan, theory_id=theory.pk, value=-1)
        services.post_comment(author=fans[(number + 2) % 5], theory=world.theory, body="More")


@pytest.mark.parametrize("name", SHARED_WITH_FANS)
def test_a_fans_page_asks_as_many_queries_with_ten_times_the_data(world, name, settings):
    settings.VISITOR_PAGE_CACHE = False  # each render for the fan alone, in full
    url = address(name, world)
    fan = fan_at(world, world.fan, 1)

    def queries() -> int:
        fan.get(url, follow=True)  # the same caches warm for both counts
        with CaptureQueriesContext(connection) as captured:
            assert fan.get(url, follow=True).status_code == HTTPStatus.OK
        return len(captured)

    before = queries()
    more_of_everything(world)
    assert queries() == before


def own_forecast(response) -> str:
    found = re.search(r'<section class="my-forecast".*?</section>', response.text, re.S)
    assert found, "no section for the reader's forecast"
    return found.group(0)


def test_on_a_shared_prediction_page_each_fan_reads_their_own_forecasts_and_form(world):
    url = world.claim.get_absolute_url()
    edit = reverse("guide:prediction_edit", args=[world.claim.pk])
    assert edit in fan_at(world, world.fan, 1).get(url).text  # its author stores the page
    other = fan_at(world, world.other_fan, 1)
    page = other.get(url)
    assert not rendered(page)
    assert edit not in page.text  # only its author rewords it
    assert "25%" in own_forecast(page)
    assert "70%" not in own_forecast(page)
    assert 'value="25"' in own_forecast(page)  # the form starts from their forecast
    changed = other.post(url, {"percent": "40"})
    assert changed.status_code == HTTPStatus.FOUND
    other.get(url)  # "Your forecast is saved." is theirs alone
    again = other.get(url)
    assert not rendered(again)
    assert re.search(r"<strong>40%</strong>.*\(current\)", own_forecast(again), re.S)
    assert 'value="40"' in own_forecast(again)


@pytest.fixture
def settled_claim(world, moderator):
    """The world's claim, resolved yes: both fans' forecasts are scored."""
    services.resolve_prediction(
        moderator=moderator,
        prediction=world.claim,
        resolution="yes",
        source_url="https://example.com/season-2",
    )
    return world.claim


@pytest.mark.usefixtures("settled_claim")
def test_on_a_shared_settled_prediction_page_each_fan_reads_their_own_score(world):
    url = world.claim.get_absolute_url()
    assert "You said 70%" in fan_at(world, world.fan, 1).get(url).text
    page = fan_at(world, world.other_fan, 1).get(url)
    assert not rendered(page)
    assert "You said 25%" in page.text
    assert "You said 70%" not in page.text
    assert "<form" not in own_forecast(page)  # settled: no more forecasts


def test_a_fan_who_never_forecast_gets_a_shared_prediction_page_for_one_query(world):
    url = world.claim.get_absolute_url()
    fan_at(world, world.other_fan, 1).get(url)
    newcomer = UserFactory(username="newcomer")
    reader = fan_at(world, newcomer, 1)
    reader.get(reverse("guide:show_list"))  # who the fan is as a reader, kept
    with CaptureQueriesContext(connection) as queries:
        page = reader.get(url)
    assert not rendered(page)
    assert len(queries) == 1, [query["sql"][:60] for query in queries.captured_queries]
    assert re.search(r"</h2>\s*<form", own_forecast(page))  # no history, nothing else
    assert 'name="percent"' in own_forecast(page)
    assert "Change my forecast" not in own_forecast(page)


@pytest.mark.usefixtures("settled_claim")
def test_a_fan_who_never_forecast_reads_no_history_or_score_on_a_settled_prediction(
    world, settings
):
    url = world.claim.get_absolute_url()
    fan_at(world, world.other_fan, 1).get(url)
    newcomer = fan_at(world, UserFactory(username="newcomer"), 1)
    page = newcomer.get(url)
    assert not rendered(page)
    assert re.search(r"</h2>\s*<p class=\"muted\">", own_forecast(page))
    assert "You said" not in page.text
    settings.VISITOR_PAGE_CACHE = False
    assert comparable(page.text) == comparable(newcomer.get(url).text)


# A theory's page shared with fans shows what votes move (its score, its "3 up, 1 down",
# its comments' scores) only in holes filled as it is served (guide.marks), so it is
# kept until a write moves one of its topics, not for a visitor's thirty seconds.


def _scores(html: str) -> list[str]:
    return re.findall(r'<output class="vote-score"[^>]*>(-?\d+)</output>', html)


def _counts_line(html: str) -> str:
    return re.search(r"\d+ up, \d+ down", html).group(0)


def test_votes_cast_after_a_fans_page_was_stored_show_on_it_at_once(world, settings):
    url = world.theory.get_absolute_url()
    fan_at(world, world.other_fan, 1).get(url)
    reply = world.fan_comment.replies.get()
    third = UserFactory()
    services.cast_vote(user=world.other_fan, theory_id=world.theory.pk, value=-1)
    services.cast_vote(user=third, theory_id=world.theory.pk, value=-1)
    services.cast_comment_vote(user=world.fan, comment_id=reply.pk, value=1)
    services.cast_comment_vote(user=third, comment_id=world.fan_comment.pk, value=-1)
    reader = fan_at(world, world.fan, 1)
    shared = reader.get(url)
    assert not rendered(shared), "the page was rendered again, not shared"
    world.theory.refresh_from_db()
    reply.refresh_from_db()
    world.fan_comment.refresh_from_db()
    assert (world.theory.score, world.fan_comment.score, reply.score) == (-2, -1, 1)
    # The theory, the world's first comment (no votes), the fan's comment, the reply.
    assert _scores(shared.text) == ["-2", "0", "-1", "1"]
    assert _counts_line(shared.text) == "0 up, 2 down"
    assert "@@" not in shared.text
    settings.VISITOR_PAGE_CACHE = False
    alone = reader.get(url)
    assert rendered(alone)
    assert comparable(shared.text) == comparable(alone.text)


class _KeptFor:
    """The shared cache, noting for how long each page is kept."""

    def __init__(self, cache_):
        self.cache, self.seconds = cache_, []

    def __getattr__(self, name):
        return getattr(self.cache, name)

    def set(self, key, value, timeout):
        if key.startswith("pages:"):
            self.seconds.append(timeout)
        return self.cache.set(key, value, timeout)


def _theory_page(world) -> str:
    return world.theory.get_absolute_url()


def _profile(world) -> str:
    return reverse("accounts:profile", args=[world.fan.username])


@pytest.mark.parametrize(
    ("page", "reader", "query", "seconds"),
    [
        (_theory_page, "visitor", "", pagecache.VISITOR_PAGE_SECONDS),
        (_theory_page, "fan", "", FAN_THEORY_PAGE_SECONDS),
        (_theory_page, "fan", "?sort=new", FAN_THEORY_PAGE_SECONDS),
        # Comments in the order of their scores: the order ages as votes come.
        (_theory_page, "fan", "?sort=top", pagecache.VISITOR_PAGE_SECONDS),
        (_profile, "visitor", "", pagecache.VISITOR_PAGE_SECONDS),
        (_profile, "fan", "", FAN_PROFILE_SECONDS),
    ],
)
def test_a_fans_page_is_kept_until_a_write_and_a_visitors_for_thirty_seconds(
    world, monkeypatch, page, reader, query, seconds
):
    kept = _KeptFor(cache)
    monkeypatch.setattr(pagecache, "cache", kept)
    client = Client() if reader == "visitor" else fan_at(world, world.other_fan, 1)
    assert client.get(page(world) + query).status_code == HTTPStatus.OK
    assert kept.seconds == [seconds]


def test_a_comment_on_a_fans_theory_moves_their_profile_for_fans(world):
    url = _profile(world)
    fan_at(world, world.fan, 1).get(url)
    reader = fan_at(world, world.other_fan, 1)
    before = card(reader.get(url), world.theory)
    assert "3 comments" in before
    with TestCase.captureOnCommitCallbacks(execute=True):  # topics move on commit
        services.post_comment(author=UserFactory(), theory=world.theory, body="Fourth")
    after = reader.get(url)
    assert rendered(after), "the profile kept the count as it was before the comment"
    assert "4 comments" in card(after, world.theory)


def test_a_forecast_on_a_theorys_prediction_moves_its_page_for_fans(world):
    url = world.theory.get_absolute_url()
    fan_at(world, world.other_fan, 1).get(url)
    reader = fan_at(world, world.fan, 1)
    assert not rendered(reader.get(url))
    with TestCase.captureOnCommitCallbacks(execute=True):  # topics move on commit
        services.forecast(user=UserFactory(), prediction=world.claim, percent=10)
    again = reader.get(url)
    assert rendered(again), "the page kept the crowd as it was before the forecast"
