"""Every public page: status, content, 404s and query budgets."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Outcome, SeasonStatus
from guide.selectors import COMMENTS_PER_PAGE
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    CommentFactory,
    FactFactory,
    ModerationActionFactory,
    PersonFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    TheoryImageFactory,
    UserFactory,
    WatchProgressFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page
from tests.kit.worlds import build_world

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# A small world ---------------------------------------------------------------------


@pytest.fixture
def world():
    """The kit's world with season 2's episodes, a newcomer to the cast, two milestones on
    the timeline, a moderator's note on the settled theory and fan's watch progress."""
    world = build_world(s2={"episode_count": 8, "typical_runtime": 55})
    world.newcomer = CharacterFactory(
        show=world.show,
        name="Newcomer Kim",
        slug="newcomer-kim",
        actor=PersonFactory(name="New Actor"),
    )
    CharacterStatusFactory(character=world.newcomer, season=world.s2, status="unknown")
    FactFactory(
        season=world.s2,
        question="Filming began?",
        answer="The cast gathered for the table read.",
        kind="interview",
        source_name="Soompi",
        milestone="filming_started",
        happened_on=datetime.date(2024, 5, 1),
        order=2,
    )
    FactFactory(
        season=world.s2,
        question="Teaser dropped?",
        answer="A short teaser appeared.",
        kind="press",
        source_name="Variety",
        milestone="teaser",
        happened_on=datetime.date(2023, 3, 3),
        order=3,
    )
    moderator = UserFactory(username="mod", is_staff=True)
    ModerationActionFactory(moderator=moderator, theory=world.settled, reason="Checked the finale.")
    WatchProgressFactory(user=world.fan, show=world.show, seasons_watched=2)
    # A comment with a reply, for the comment's own page.
    world.comment = CommentFactory(theory=world.theory, body="Nam-ra will *lead* them.")
    CommentFactory(theory=world.theory, parent=world.comment, depth=1, body="She will.")
    return world


def grow(world, fan, n=50):
    """Add n more of everything the pages list."""
    show, s1, s2 = world.show, world.s1, world.s2
    voters = [UserFactory(username=f"voter{i}") for i in range(n)]
    extra_seasons = [
        SeasonFactory(show=show, number=10 + i, status=SeasonStatus.ANNOUNCED) for i in range(n)
    ]
    for season in extra_seasons:
        # The main characters appear in every season: status lists grow.
        CharacterStatusFactory(character=world.on_jo, season=season, status="alive")
        CharacterStatusFactory(character=world.nam_ra, season=season, status="dead")
        FactFactory(season=season, question="Hyosan question?")
    TheoryImageFactory.create_batch(4, theory=world.theory)
    for i in range(n):
        character = CharacterFactory(
            show=show, name=f"Nam student {i}", slug=f"nam-student-{i}", actor=world.on_jo.actor
        )
        CharacterStatusFactory(character=character, season=s1, status="dead")
        CharacterStatusFactory(character=character, season=s2, status="unknown")
        FactFactory(season=s2, question=f"Nam fact {i}?", spoiler_season=1 if i % 2 else None)
        theory = services.post_theory(
            author=voters[i] if i % 2 else fan,
            season=s2,
            title=f"Nam theory {i}",
            body="More *zombies*.",
            characters=[character, world.on_jo],
            spoiler_season=1 if i % 3 == 0 else None,
        )
        # Nobody votes on their own theory.
        services.cast_vote(user=voters[(i + 1) % n], theory_id=theory.pk, value=1 if i % 4 else -1)
        services.cast_vote(user=voters[i], theory_id=world.theory.pk, value=1)
        if i % 2:
            services.cast_vote(user=fan, theory_id=theory.pk, value=1)
        CommentFactory(theory=theory, author=voters[i])
        CommentFactory(theory=world.theory, author=voters[i], spoiler_season=1 if i % 2 else None)
        CommentFactory(theory=world.theory, author=voters[i], parent=world.comment, depth=1)
        TheoryFactory(author=voters[i], season=s1, outcome=Outcome.CONFIRMED)
        ModerationActionFactory(moderator=None, theory=theory)


# Every public page ------------------------------------------------------------------


def test_home(client, world):
    response = client.get(reverse("guide:home"))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "All Of Us Are Dead" in body  # featured show
    assert "Season 2" in body  # next seasons
    assert "On-jo returns as a half-zombie" in body  # hot theories


def test_show_list(client, world):
    ShowFactory(title="Unreleased Secret", slug="unreleased-secret", is_published=False)
    response = client.get(reverse("guide:show_list"))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "All Of Us Are Dead" in body
    assert world.s2.get_absolute_url() in body
    assert "Unreleased Secret" not in body


def test_show_page(client, world):
    response = client.get(world.show.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "<h1>All Of Us Are Dead" in body
    for name in ("Nam On-jo", "Choi Nam-ra", "Park Ji-hu"):
        assert name in body
    assert world.s1.get_absolute_url() in body
    assert world.s2.get_absolute_url() in body


def season_guide(client, world) -> str:
    response = client.get(world.s2.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return html(response)


def test_season_guide_title_and_heading(client, world):
    response = client.get(world.s2.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    heading = "Everything we know about All Of Us Are Dead season 2"
    assert heading in Page(response).title
    assert f"<h1>{heading}</h1>" in html(response)


def test_season_guide_at_a_glance(client, world):
    body = season_guide(client, world)
    assert "Announced" in body
    assert "Coming soon: no date announced yet" in body
    assert "7 June 2022" in body  # renewal date
    assert re.search(r"<dt>Episodes</dt><dd>8</dd>", body)
    assert "about 55 minutes" in body


def test_season_guide_facts_with_their_kind_and_source(client, world):
    body = season_guide(client, world)
    assert "Is season 2 confirmed?" in body
    assert "Official" in body
    assert "Cast or crew interview" in body
    assert "Press report" in body
    assert '<a href="https://example.com/tudum" rel="noopener nofollow">Netflix Tudum</a>' in body


def test_season_guide_facts_in_the_same_place_come_by_entry_number(client, world):
    # Entered last-numbered first (as an import might), so the table holds them in the
    # other order than their numbers; the guide must not follow the table.
    for n in (3, 2, 1):
        FactFactory(pk=900_000 + n, season=world.s2, order=50, question=f"Tied question {n}?")
    body = season_guide(client, world)
    places = [body.index(f"Tied question {n}?") for n in (1, 2, 3)]
    assert places == sorted(places)


def test_season_guide_timeline_is_in_date_order(client, world):
    # Renewal (2022) < teaser (2023) < filming (2024).
    body = season_guide(client, world)
    timeline = body[body.index('class="timeline"') : body.index("</ol>", body.index("timeline"))]
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', timeline)
    assert dates == ["2022-06-07", "2023-03-03", "2024-05-01"]
    assert timeline.index("Renewed") < timeline.index("Teaser") < timeline.index("Filming")


def test_season_guide_splits_returning_and_new_cast(client, world):
    # Returning cast (in season 1 too) and new cast.
    body = season_guide(client, world)
    returning = body[body.index("<h3>Returning</h3>") : body.index("<h3>New this season</h3>")]
    new = body[body.index("<h3>New this season</h3>") :]
    new = new[: new.index("</ul>")]
    assert "Nam On-jo" in returning
    assert "Choi Nam-ra" in returning
    assert "Newcomer Kim" not in returning
    assert "Newcomer Kim" in new
    assert "Nam On-jo" not in new


def test_released_season_shows_its_date(client, world):
    response = client.get(world.s1.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "28 January 2022" in body
    assert "Coming soon: no date announced yet" not in body
    assert "Released" in body


def test_character_page(client, world):
    response = client.get(world.nam_ra.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "<h1>Choi Nam-ra" in body
    assert "Jo Yi-hyun" in body
    statuses = body[body.index('id="status-title"') :]
    statuses = statuses[: statuses.index("</ul>")]
    assert "Season 1" in statuses
    assert "Season 2" in statuses
    assert "Half-zombie" in statuses
    assert "Nam-ra leads the half-zombies" in body or 'class="spoiler"' in body


def test_character_status_shown_to_reader_who_watched(world):
    client = Client()
    client.post(reverse("guide:set_progress"), {"show": world.show.pk, "seasons_watched": 1})
    body = html(client.get(world.nam_ra.get_absolute_url()))
    statuses = body[body.index('id="status-title"') :]
    statuses = statuses[: statuses.index("</ul>")]
    assert "<strong>Half-zombie</strong>" in statuses
    assert 'class="spoiler"' not in statuses


def test_theory_list(client, world):
    response = client.get(reverse("guide:theory_list"))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "On-jo returns as a half-zombie" in body
    assert "Someone survives the school" in body


def test_theory_page(client, world):
    theory = world.theory
    response = client.get(theory.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "On-jo returns as a half-zombie" in Page(response).title
    assert "<em>survives</em>" in body
    assert "Agreed!" in body
    assert "1 up, 0 down" in body


def test_theory_short_url_redirects_to_slugged(client, world):
    theory = world.theory
    response = client.get(reverse("guide:theory_short", args=[theory.pk]))
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == theory.get_absolute_url()


def test_leaderboard(client, world):
    response = client.get(reverse("guide:leaderboard"))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "Prediction leaderboard" in body
    row = re.search(r'<th scope="row"><a href="/u/fan/">fan</a></th><td>(\d+)</td>', body)
    assert row
    assert row.group(1) == "1"


def test_moderation_log(client, world):
    response = client.get(reverse("guide:moderation_log"))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "Moderation log" in body
    assert "Checked the finale." in body


def test_profile(client, world):
    response = client.get(reverse("accounts:profile", args=["fan"]))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "On-jo returns as a half-zombie" in body
    assert re.search(r"<dt>Confirmed</dt><dd>1</dd>", body)


def test_search(client, world):
    response = client.get(reverse("guide:search"), {"q": "On-jo"})
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "<mark>On-jo</mark>" in body
    assert world.on_jo.get_absolute_url() in body
    empty = client.get(reverse("guide:search"))
    assert empty.status_code == HTTPStatus.OK


# 404s ----------------------------------------------------------------------------------


def _assert_friendly_404(response):
    assert response.status_code == HTTPStatus.NOT_FOUND
    body = html(response)
    assert "Page not found" in body
    assert f'href="{reverse("guide:home")}"' in body


@pytest.mark.parametrize(
    "path",
    [
        "/shows/no-such-show/",
        "/shows/all-of-us-are-dead/season-9/",
        "/shows/all-of-us-are-dead/characters/nobody/",
        "/theories/999999/",
        "/theories/999999/some-slug/",
        "/u/nobody-here/",
        "/no/such/page/",
        "/feeds/shows/no-such-show/theories/",
    ],
)
def test_unknown_things_are_friendly_404(client, world, path):
    _assert_friendly_404(client.get(path))


def test_unpublished_show_and_its_pages_are_404(client, world):
    hidden = ShowFactory(title="Secret Show", slug="secret-show", is_published=False)
    season = SeasonFactory(show=hidden, number=1)
    character = CharacterFactory(show=hidden, slug="secret-person")
    theory = TheoryFactory(season=season)
    for path in (
        hidden.get_absolute_url(),
        season.get_absolute_url(),
        character.get_absolute_url(),
        theory.get_absolute_url(),
    ):
        _assert_friendly_404(client.get(path))
    for path in (reverse("guide:home"), reverse("guide:show_list"), reverse("guide:theory_list")):
        body = html(client.get(path))
        assert "Secret Show" not in body
        assert theory.title not in body


# Query budgets ---------------------------------------------------------------------------

# Each page's queries with nothing cached: for a visitor, or (for a visitor, for a fan).
PAGES = {
    "home": (lambda w: reverse("guide:home"), 4),
    "show_list": (lambda w: reverse("guide:show_list"), 2),
    "show": (lambda w: w.show.get_absolute_url(), 5),
    "season": (lambda w: w.s2.get_absolute_url(), 7),
    "character": (lambda w: w.on_jo.get_absolute_url(), 5),
    "theory_list": (lambda w: reverse("guide:theory_list"), 3),
    "theory_list_season": (lambda w: reverse("guide:theory_list") + f"?season={w.s2.pk}", 4),
    "theory_list_character": (
        lambda w: reverse("guide:theory_list") + f"?character={w.on_jo.pk}",
        4,
    ),
    # Its characters with their show, its comments with one more for their replies, and
    # the count of a discussion's pages (its discussion spans two below;
    # test_a_discussion_on_one_page_is_not_counted).
    "theory": (lambda w: w.theory.get_absolute_url(), 8),  # with its predictions and pictures
    # A fan's comment page reads their watch progress too: the comments may be shielded.
    "comment": (lambda w: reverse("guide:comment", args=[w.comment.pk]), (4, 5)),
    # The fan, their record, their scored forecasts.
    "profile": (lambda w: reverse("accounts:profile", args=["fan"]), 5),
    # Fans by their theories' outcomes, then forecasters by their scores.
    "leaderboard": (lambda w: reverse("guide:leaderboard"), 3),
    "search": (lambda w: reverse("guide:search") + "?q=Nam", 7),
}


def test_queries_do_not_grow_with_data(world, fan):
    """Each list/detail page makes as many queries with 50 more of everything."""
    # Every list starts with a card, a shielded one among them, so growing it measures
    # more cards, not the first one (cards come from the shared cache in one call).
    services.post_theory(
        author=fan,
        season=world.s2,
        title="Nam theory zero",
        body="Zombies.",
        spoiler_season=1,
        spoiler_free_title="A first theory",
    )
    # Discussions that go on past their first page: more comments must not cost more.
    for _ in range(COMMENTS_PER_PAGE):
        CommentFactory(theory=world.theory)
        CommentFactory(theory=world.theory, parent=world.comment, depth=1)
    visitor, signed_in = Client(), Client()
    signed_in.force_login(fan)
    clients = {"visitor": visitor, "fan": signed_in}
    urls = {page: url_of(world) for page, (url_of, _) in PAGES.items()}
    for client in clients.values():
        for url in urls.values():
            client.get(url)  # warm up (session, content types)

    def cold(client, url):
        # With nothing cached: the shared card fragments (core.fragments) render afresh.
        cache.clear()
        return count_queries(client, url)

    def measure():
        return {
            f"{who}:{page}": cold(client, url)
            for who, client in clients.items()
            for page, url in urls.items()
        }

    # Exact, so a lost select_related or a new query shows; a fan's request adds three
    # (their session, their user row and the header's count of their unread inbox).
    def expected(who, queries):
        visitor, fan = queries if isinstance(queries, tuple) else (queries, queries)
        return fan + 3 if who == "fan" else visitor

    assert measure() == {
        f"{who}:{page}": expected(who, queries)
        for who in clients
        for page, (_, queries) in PAGES.items()
    }
    assert_queries_do_not_grow(measure, lambda: grow(world, fan), "public pages")


def test_a_discussion_on_one_page_is_not_counted(world):
    """Its first page, read with one row more, shows there is no other (selectors._page_of);
    a count comes only with a second page, and a link to it."""
    url, client = world.theory.get_absolute_url(), Client()
    client.get(url)

    def cold() -> tuple[int, bool]:
        cache.clear()
        queries = count_queries(client, url)
        return queries, "?page=2" in client.get(url).text

    shown = world.theory.comments.filter(parent=None).count()
    CommentFactory.create_batch(COMMENTS_PER_PAGE - shown - 1, theory=world.theory)
    short = cold()
    CommentFactory(theory=world.theory)  # the first page is full
    assert cold() == short == (short[0], False)
    CommentFactory(theory=world.theory)  # one more starts a second page
    assert cold() == (short[0] + 1, True)
