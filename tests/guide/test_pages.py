"""Every public page: status, content, 404s, spoiler shield basics and query budgets."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import services
from guide.models import Outcome, SeasonStatus
from guide.sitemaps import SITEMAPS
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
    UserFactory,
    WatchProgressFactory,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", html(response), re.S)
    assert match, "page has no <title>"
    return match.group(1)


def meta_description(response) -> str:
    match = re.search(r'<meta name="description" content="(.*?)">', html(response), re.S)
    assert match, "page has no meta description"
    return match.group(1)


# A small world ---------------------------------------------------------------------


@pytest.fixture
def world(fan, other_fan):
    show = ShowFactory(
        title="All Of Us Are Dead",
        slug="all-of-us-are-dead",
        is_featured=True,
        tagline="Hyosan High is overrun.",
    )
    s1 = SeasonFactory(
        show=show,
        number=1,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
        episode_count=12,
        typical_runtime=61,
    )
    s2 = SeasonFactory(
        show=show,
        number=2,
        status=SeasonStatus.ANNOUNCED,
        release_date=None,
        renewal_announced_on=datetime.date(2022, 6, 7),
        episode_count=8,
        typical_runtime=55,
    )
    actor = PersonFactory(name="Park Ji-hu", slug="park-ji-hu")
    on_jo = CharacterFactory(show=show, name="Nam On-jo", slug="nam-on-jo", actor=actor)
    nam_ra = CharacterFactory(
        show=show, name="Choi Nam-ra", slug="choi-nam-ra", actor=PersonFactory(name="Cho Yi-hyun")
    )
    newcomer = CharacterFactory(
        show=show, name="Newcomer Kim", slug="newcomer-kim", actor=PersonFactory(name="New Actor")
    )
    CharacterStatusFactory(character=on_jo, season=s1, status="alive")
    CharacterStatusFactory(character=nam_ra, season=s1, status="half_zombie")
    CharacterStatusFactory(character=on_jo, season=s2, status="unknown")
    CharacterStatusFactory(character=nam_ra, season=s2, status="unknown")
    CharacterStatusFactory(character=newcomer, season=s2, status="unknown")
    FactFactory(
        season=s2,
        question="Is season 2 confirmed?",
        answer="Netflix renewed the show.",
        kind="official",
        source_name="Netflix Tudum",
        source_url="https://example.com/tudum",
        order=1,
    )
    FactFactory(
        season=s2,
        question="Filming began?",
        answer="The cast gathered for the table read.",
        kind="interview",
        source_name="Soompi",
        milestone="filming_started",
        happened_on=datetime.date(2024, 5, 1),
        order=2,
    )
    FactFactory(
        season=s2,
        question="Teaser dropped?",
        answer="A short teaser appeared.",
        kind="press",
        source_name="Variety",
        milestone="teaser",
        happened_on=datetime.date(2023, 3, 3),
        order=3,
    )
    FactFactory(
        season=s2,
        question="Who survives into season two?",
        answer="Nam-ra is a half-zombie now.",
        kind="rumour",
        source_name="Forum",
        spoiler_season=1,
        order=4,
    )
    theory = services.post_theory(
        author=fan,
        season=s2,
        title="On-jo returns as a half-zombie",
        body="She *survives* somehow.",
        characters=[on_jo],
    )
    spoiler_theory = services.post_theory(
        author=other_fan,
        season=s2,
        title="Nam-ra leads the half-zombies",
        body="After her bite in the finale she leads them.",
        characters=[nam_ra],
        spoiler_season=1,
    )
    services.cast_vote(user=other_fan, theory=theory, value=1)
    services.cast_vote(user=fan, theory=spoiler_theory, value=-1)
    CommentFactory(theory=theory, author=other_fan, body="Agreed!")
    settled = TheoryFactory(
        author=fan, season=s1, title="Someone survives the school", outcome=Outcome.CONFIRMED
    )
    moderator = UserFactory(username="mod", is_staff=True)
    ModerationActionFactory(moderator=moderator, theory=settled, reason="Checked the finale.")
    WatchProgressFactory(user=fan, show=show, seasons_watched=2)
    return {
        "show": show,
        "s1": s1,
        "s2": s2,
        "on_jo": on_jo,
        "nam_ra": nam_ra,
        "newcomer": newcomer,
        "actor": actor,
        "theory": theory,
        "spoiler_theory": spoiler_theory,
        "settled": settled,
    }


def grow(world, fan, n=50):
    """Add n more of everything the pages list."""
    show = world["show"]
    s1, s2 = world["s1"], world["s2"]
    voters = [UserFactory(username=f"voter{i}") for i in range(n)]
    extra_seasons = [
        SeasonFactory(show=show, number=10 + i, status=SeasonStatus.ANNOUNCED) for i in range(n)
    ]
    for season in extra_seasons:
        # The main characters appear in every season: status lists grow.
        CharacterStatusFactory(character=world["on_jo"], season=season, status="alive")
        CharacterStatusFactory(character=world["nam_ra"], season=season, status="dead")
        FactFactory(season=season, question="Hyosan question?")
    for i in range(n):
        character = CharacterFactory(
            show=show, name=f"Nam student {i}", slug=f"nam-student-{i}", actor=world["actor"]
        )
        CharacterStatusFactory(character=character, season=s1, status="dead")
        CharacterStatusFactory(character=character, season=s2, status="unknown")
        FactFactory(season=s2, question=f"Nam fact {i}?", spoiler_season=1 if i % 2 else None)
        theory = services.post_theory(
            author=voters[i] if i % 2 else fan,
            season=s2,
            title=f"Nam theory {i}",
            body="More *zombies*.",
            characters=[character, world["on_jo"]],
            spoiler_season=1 if i % 3 == 0 else None,
        )
        services.cast_vote(user=voters[i], theory=theory, value=1 if i % 4 else -1)
        services.cast_vote(user=voters[i], theory=world["theory"], value=1)
        services.cast_vote(user=fan, theory=theory, value=1)
        CommentFactory(theory=theory, author=voters[i])
        CommentFactory(
            theory=world["theory"], author=voters[i], spoiler_season=1 if i % 2 else None
        )
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
    assert world["s2"].get_absolute_url() in body
    assert "Unreleased Secret" not in body


def test_show_page(client, world):
    response = client.get(world["show"].get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "<h1>All Of Us Are Dead" in body
    for name in ("Nam On-jo", "Choi Nam-ra", "Park Ji-hu"):
        assert name in body
    assert world["s1"].get_absolute_url() in body
    assert world["s2"].get_absolute_url() in body


def test_season_guide(client, world):
    response = client.get(world["s2"].get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "Everything we know about All Of Us Are Dead season 2" in title_of(response)
    assert "<h1>Everything we know about All Of Us Are Dead season 2</h1>" in body
    assert "Announced" in body
    assert "Coming soon: no date announced yet" in body
    assert "7 June 2022" in body  # renewal date
    assert re.search(r"<dt>Episodes</dt><dd>8</dd>", body)
    assert "about 55 minutes" in body
    # Facts with their kind and source.
    assert "Is season 2 confirmed?" in body
    assert "Official" in body
    assert "Cast or crew interview" in body
    assert "Press report" in body
    assert '<a href="https://example.com/tudum" rel="noopener nofollow">Netflix Tudum</a>' in body
    # Timeline: renewal (2022) < teaser (2023) < filming (2024).
    timeline = body[body.index('class="timeline"') : body.index("</ol>", body.index("timeline"))]
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', timeline)
    assert dates == ["2022-06-07", "2023-03-03", "2024-05-01"]
    assert timeline.index("Renewed") < timeline.index("Teaser") < timeline.index("Filming")
    # Returning cast (in season 1 too) and new cast.
    returning = body[body.index("<h3>Returning</h3>") : body.index("<h3>New this season</h3>")]
    new = body[body.index("<h3>New this season</h3>") :]
    new = new[: new.index("</ul>")]
    assert "Nam On-jo" in returning
    assert "Choi Nam-ra" in returning
    assert "Newcomer Kim" not in returning
    assert "Newcomer Kim" in new
    assert "Nam On-jo" not in new


def test_released_season_shows_its_date(client, world):
    response = client.get(world["s1"].get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "28 January 2022" in body
    assert "Coming soon: no date announced yet" not in body
    assert "Released" in body


def test_character_page(client, world):
    response = client.get(world["nam_ra"].get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "<h1>Choi Nam-ra" in body
    assert "Cho Yi-hyun" in body
    statuses = body[body.index('id="status-title"') :]
    statuses = statuses[: statuses.index("</ul>")]
    assert "Season 1" in statuses
    assert "Season 2" in statuses
    assert "Half-zombie" in statuses
    assert "Nam-ra leads the half-zombies" in body or 'class="spoiler"' in body


def test_character_status_shown_to_reader_who_watched(world):
    client = Client()
    client.post(reverse("guide:set_progress"), {"show": world["show"].pk, "seasons_watched": 1})
    body = html(client.get(world["nam_ra"].get_absolute_url()))
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
    theory = world["theory"]
    response = client.get(theory.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    assert "On-jo returns as a half-zombie" in title_of(response)
    assert "<em>survives</em>" in body
    assert "Agreed!" in body
    assert "1 up, 0 down" in body


def test_theory_short_url_redirects_to_slugged(client, world):
    theory = world["theory"]
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
    assert world["on_jo"].get_absolute_url() in body
    empty = client.get(reverse("guide:search"))
    assert empty.status_code == HTTPStatus.OK


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"


def test_readyz(client, db):
    response = client.get(reverse("readyz"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok"}


def test_robots_txt(client, db):
    response = client.get(reverse("robots"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    body = html(response)
    assert "User-agent: *" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_sitemap(client, world):
    assert client.get(reverse("sitemap")).status_code == HTTPStatus.OK
    body = "".join(
        html(client.get(reverse("sitemap_section", args=[section]))) for section in SITEMAPS
    )
    for obj in (world["show"], world["s2"], world["on_jo"], world["theory"]):
        assert f"http://testserver{obj.get_absolute_url()}" in body


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("guide:feed_theories", {}),
        ("guide:feed_show_theories", {"slug": "all-of-us-are-dead"}),
        ("guide:feed_season_theories", {"slug": "all-of-us-are-dead", "number": 2}),
        ("guide:feed_season_facts", {"slug": "all-of-us-are-dead", "number": 2}),
    ],
)
def test_feeds(client, world, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    body = html(response)
    assert "<feed" in body
    # Spoiler-tagged items are shielded in feeds.
    assert "Nam-ra leads the half-zombies" not in body
    assert "Nam-ra is a half-zombie now" not in body


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


# Spoiler shield basics ------------------------------------------------------------------


def _spoiler_blocks(body: str) -> list[str]:
    return re.findall(r'<details class="spoiler">(.*?)</details>', body, re.S)


def _fact_article(body: str, question: str) -> str:
    start = body.rindex('<article class="fact"', 0, body.index(question))
    return body[start : body.index("</article>", start)]


def test_spoiler_fact_is_shielded_for_new_visitor(client, world):
    body = html(client.get(world["s2"].get_absolute_url()))
    article = _fact_article(body, "Who survives into season two?")
    assert '<details class="spoiler">' in article
    assert "Nam-ra is a half-zombie now." in "".join(_spoiler_blocks(article))
    # A fact without spoiler tag is open.
    open_article = _fact_article(body, "Is season 2 confirmed?")
    assert "<details" not in open_article


def test_spoiler_fact_open_after_visitor_sets_progress(world):
    client = Client()
    url = world["s2"].get_absolute_url()
    response = client.post(
        reverse("guide:set_progress"),
        {"show": world["show"].pk, "seasons_watched": 1, "next": url},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    for _ in range(2):  # the signed cookie persists across requests
        body = html(client.get(url))
        article = _fact_article(body, "Who survives into season two?")
        assert "<details" not in article
        assert "Nam-ra is a half-zombie now." in article


def test_visitor_who_watched_nothing_still_shielded(world):
    client = Client()
    client.post(reverse("guide:set_progress"), {"show": world["show"].pk, "seasons_watched": 0})
    body = html(client.get(world["s2"].get_absolute_url()))
    assert '<details class="spoiler">' in _fact_article(body, "Who survives into season two?")


def test_forged_progress_cookie_is_ignored(client, world):
    client.cookies["watched"] = f'{{"{world["show"].pk}": 9}}'
    body = html(client.get(world["s2"].get_absolute_url()))
    assert '<details class="spoiler">' in _fact_article(body, "Who survives into season two?")


def test_spoiler_fact_open_for_fan_with_progress(world, other_fan):
    WatchProgressFactory(user=other_fan, show=world["show"], seasons_watched=1)
    client = Client()
    client.force_login(other_fan)
    body = html(client.get(world["s2"].get_absolute_url()))
    article = _fact_article(body, "Who survives into season two?")
    assert "<details" not in article
    assert "Nam-ra is a half-zombie now." in article


def test_shielded_theory_title_not_in_title_or_description(client, world):
    theory = world["spoiler_theory"]
    response = client.get(theory.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Nam-ra leads" not in title_of(response)
    assert "Nam-ra leads" not in meta_description(response)
    assert "bite in the finale" not in meta_description(response)
    # Nor anywhere else in <head> (social cards, structured data).
    head = html(response).split("</head>")[0]
    assert "Nam-ra leads" not in head
    assert "bite in the finale" not in head
    # The theory is still there, behind a reveal.
    assert any(
        "Nam-ra leads the half-zombies" in block for block in _spoiler_blocks(html(response))
    )


def test_shielded_theory_title_hidden_in_cards(client, world):
    body = html(client.get(reverse("guide:theory_list")))
    card = body[body.index(f'id="theory-{world["spoiler_theory"].pk}"') :]
    card = card[: card.index("</article>")]
    assert '<details class="spoiler">' in card
    assert "Nam-ra leads the half-zombies" in "".join(_spoiler_blocks(card))


# Query budgets ---------------------------------------------------------------------------

PAGES = {
    "home": (lambda w: reverse("guide:home"), 8),
    "show_list": (lambda w: reverse("guide:show_list"), 5),
    "show": (lambda w: w["show"].get_absolute_url(), 9),
    "season": (lambda w: w["s2"].get_absolute_url(), 13),
    "character": (lambda w: w["on_jo"].get_absolute_url(), 11),
    "theory_list": (lambda w: reverse("guide:theory_list"), 8),
    "theory": (lambda w: w["theory"].get_absolute_url(), 9),
    "profile": (lambda w: reverse("accounts:profile", args=["fan"]), 8),
    "leaderboard": (lambda w: reverse("guide:leaderboard"), 5),
    "search": (lambda w: reverse("guide:search") + "?q=Nam", 10),
}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(queries)


def test_queries_do_not_grow_with_data(world, fan, django_assert_max_num_queries):
    """Each list/detail page makes as many queries with 50 more of everything."""
    visitor, signed_in = Client(), Client()
    signed_in.force_login(fan)
    clients = {"visitor": visitor, "fan": signed_in}
    urls = {page: url_of(world) for page, (url_of, _) in PAGES.items()}
    for client in clients.values():
        for url in urls.values():
            client.get(url)  # warm up (session, content types)

    def measure():
        return {
            f"{who}:{page}": _count(client, url)
            for who, client in clients.items()
            for page, url in urls.items()
        }

    small = measure()
    grow(world, fan)
    large = measure()
    print("query counts (small -> large):", {key: (small[key], large[key]) for key in small})
    assert large == small
    for client in clients.values():
        for page, url in urls.items():
            with django_assert_max_num_queries(PAGES[page][1]):
                assert client.get(url).status_code == HTTPStatus.OK
