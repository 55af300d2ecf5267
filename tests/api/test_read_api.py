"""The read API answers what a visitor may read, in the documented shapes.

Each endpoint with real data; season-tagged text withheld until `watched` reaches it;
hidden, withdrawn and unpublished things never listed or found; keyset pages that walk
a list exactly once; filters; and errors as problem details.
"""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import services
from guide.models import Outcome, Resolution, SeasonStatus
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    EpisodeFactory,
    FactFactory,
    ForecastScoreFactory,
    PersonFactory,
    PredictionFactory,
    ReleasedSeasonFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def show():
    show = ShowFactory(
        title="Hyosan", slug="hyosan", genres="horror, drama", source_title="Now at Our School"
    )
    one = ReleasedSeasonFactory(show=show, number=1, episode_count=12)
    SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    EpisodeFactory(season=one, number=1, title="The outbreak", synopsis="A bite in the lab.")
    return show


def get(client, path, **params):
    return client.get(API + path, params)


def test_shows_and_a_show_with_its_seasons(client, show):
    ShowFactory(title="Hidden draft", slug="draft", is_published=False)
    listed = get(client, "/shows").json()
    assert [each["slug"] for each in listed["items"]] == ["hyosan"]
    assert listed["next"] is None
    detail = get(client, "/shows/hyosan").json()
    assert detail["genres"] == ["horror", "drama"]
    assert detail["source_material"]["title"] == "Now at Our School"
    assert [(s["number"], s["status"]) for s in detail["seasons"]] == [
        (1, "released"),
        (2, "announced"),
    ]
    assert detail["url"] == "http://testserver/shows/hyosan/"
    assert get(client, "/shows/draft").status_code == HTTPStatus.NOT_FOUND


def test_episode_titles_wait_for_their_season(client, show):
    path = "/shows/hyosan/seasons/1"
    unsaid = get(client, path).json()["episodes"][0]
    assert unsaid["title"] == {"spoiler_season": 1}
    assert unsaid["synopsis"] == {"spoiler_season": 1}
    assert get(client, path, watched=0).json()["episodes"][0]["title"] == {"spoiler_season": 1}
    watched = get(client, path, watched=1).json()["episodes"][0]
    assert (watched["title"], watched["synopsis"]) == ("The outbreak", "A bite in the lab.")
    assert get(client, "/shows/hyosan/seasons/9").status_code == HTTPStatus.NOT_FOUND


def test_facts_of_a_season_with_sources_shielded_by_their_tag(client, show):
    season = show.seasons.get(number=1)
    open_fact = FactFactory(season=season, question="How many episodes?", order=1)
    tagged = FactFactory(season=season, question="Who survives?", spoiler_season=1, order=2)
    FactFactory(season=season, kind="rumour", question="A rumour?", order=3)
    items = get(client, "/shows/hyosan/seasons/1/facts").json()["items"]
    assert [each["id"] for each in items][:2] == [open_fact.pk, tagged.pk]
    assert items[0]["question"] == "How many episodes?"
    assert items[0]["source"] == {
        "name": "Netflix",
        "title": "",
        "url": "https://example.com/announcement",
        "date": "2022-06-07",
    }
    assert items[1]["question"] == {"spoiler_season": 1}
    assert items[1]["source"]["url"] == {"spoiler_season": 1}
    assert get(client, f"/facts/{tagged.pk}", watched=1).json()["question"] == "Who survives?"
    rumours = get(client, "/shows/hyosan/seasons/1/facts", kind="rumour").json()["items"]
    assert [each["question"] for each in rumours] == ["A rumour?"]


def test_people_and_characters_with_aliases_and_shielded_statuses(client, show):
    nam_ra = CharacterFactory(
        show=show, name="Choi Nam-ra", slug="nam-ra", aliases="Namra\n최남라\n", billing_order=2
    )
    CharacterStatusFactory(
        character=nam_ra, season=show.seasons.get(number=1), status="half_zombie", note="Bitten."
    )
    listed = get(client, "/shows/hyosan/characters").json()["items"]
    assert [each["slug"] for each in listed] == ["nam-ra"]
    detail = get(client, "/shows/hyosan/characters/nam-ra").json()
    assert detail["aliases"] == ["Namra", "최남라"]
    assert detail["statuses"] == [
        {
            "season": 1,
            "status": {"spoiler_season": 1},
            "note": {"spoiler_season": 1},
            "note_ko": None,  # no Korean written: nothing to withhold
        }
    ]
    seen = get(client, "/shows/hyosan/characters/nam-ra", watched=1).json()["statuses"][0]
    assert (seen["status"], seen["note"]) == ("half_zombie", "Bitten.")
    actor = detail["actor"]["slug"]
    person = get(client, f"/people/{actor}").json()
    assert person["roles"] == [{"show": "hyosan", "character": "nam-ra", "name": "Choi Nam-ra"}]
    assert actor in [each["slug"] for each in get(client, "/people").json()["items"]]


def test_a_persons_roles_in_one_show_come_in_the_order_they_were_entered(client, show):
    """Same show, same title: the entry order decides. The first role's address is
    changed after the second is entered, which on PostgreSQL writes its row anew behind
    the second's (an indexed column: no update in place)."""
    actor = PersonFactory(name="Two Roles", slug="two-roles")
    first = CharacterFactory(show=show, name="Twin A", slug="twin", actor=actor)
    CharacterFactory(show=show, name="Twin B", slug="twin-b", actor=actor)
    first.slug = "twin-a"
    first.save(update_fields=["slug"])
    roles = get(client, "/people/two-roles").json()["roles"]
    assert [role["character"] for role in roles] == ["twin-a", "twin-b"]


def test_theories_never_list_hidden_withdrawn_or_unpublished_ones(client, show):
    season = show.seasons.get(number=2)
    shown_theory = TheoryFactory(season=season, title="Open guess")
    hidden = TheoryFactory(season=season, is_hidden=True)
    withdrawn = TheoryFactory(season=season)
    services.delete_theory(theory=withdrawn)
    draft = TheoryFactory(season=SeasonFactory(show=ShowFactory(is_published=False)))
    listed = [each["id"] for each in get(client, "/theories").json()["items"]]
    assert listed == [shown_theory.pk]
    for gone in (hidden, withdrawn, draft):
        answer = get(client, f"/theories/{gone.pk}")
        assert answer.status_code == HTTPStatus.NOT_FOUND
        assert answer["Content-Type"] == "application/problem+json"


def test_a_shows_theories_are_a_published_shows_even_before_its_first_season(client, show):
    ShowFactory(slug="draft", is_published=False)
    filler = ShowFactory(slug="filler")
    for number in (1, 2, 3):  # so that the ids of shows and seasons part
        SeasonFactory(show=filler, number=number)
    theirs = TheoryFactory(season=SeasonFactory(show=ShowFactory(slug="other"), number=1))
    assert theirs.season.pk != theirs.season.show.pk
    listed = get(client, "/shows/other/theories", season=1).json()["items"]
    assert [each["id"] for each in listed] == [theirs.pk]
    ShowFactory(slug="announced")  # no season yet: an empty list, not a missing show
    assert client.get(f"{API}/shows/draft/theories").status_code == HTTPStatus.NOT_FOUND
    assert get(client, "/shows/announced/theories").json() == {"items": [], "next": None}
    assert get(client, "/shows/hyosan/theories").json()["items"] == []


def test_a_theory_with_its_claims_and_verdicts_behind_the_shield(
    client, show, django_assert_num_queries
):
    season = show.seasons.get(number=1)
    theory = TheoryFactory(
        season=season,
        title="Nam-ra lives",
        spoiler_free_title="A guess about the class president",
        outcome=Outcome.CONFIRMED,
        outcome_note="Shown in the last episode.",
    )
    claim = PredictionFactory(
        season=season,
        theory=theory,
        author=theory.author,
        resolution=Resolution.YES,
        resolved_at=datetime.datetime(2022, 2, 1, tzinfo=datetime.UTC),
    )
    blind = get(client, f"/theories/{theory.pk}").json()
    assert blind["headline"] == "Nam-ra lives"  # untagged: its title gives nothing away
    assert blind["title"] == "Nam-ra lives"  # untagged: the title tells nothing
    assert blind["outcome"] == {"spoiler_season": 1}
    assert blind["outcome_note"] == {"spoiler_season": 1}
    assert blind["predictions"][0]["resolution"] == {"spoiler_season": 1}
    assert blind["predictions"][0]["claim"] == claim.claim
    with django_assert_num_queries(2):  # the theory with its texts, its claims
        seen = get(client, f"/theories/{theory.pk}", watched=1).json()
    assert (seen["outcome"], seen["predictions"][0]["resolution"]) == ("confirmed", "yes")
    assert seen["outcome_note"] == "Shown in the last episode."
    # Its claims in the order they were stated, whatever their dates say.
    later = PredictionFactory(
        season=season,
        theory=theory,
        author=theory.author,
        created_at=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC),
    )
    claims = get(client, f"/theories/{theory.pk}").json()["predictions"]
    assert [each["claim"] for each in claims] == [claim.claim, later.claim]
    assert seen["author"] == theory.author.username


def test_theory_filters(client, show):
    one, two = show.seasons.get(number=1), show.seasons.get(number=2)
    su_hyeok = CharacterFactory(show=show, slug="su-hyeok")
    about = TheoryFactory(season=two, language="ko", outcome=Outcome.OPEN)
    about.characters.set([su_hyeok])
    settled = TheoryFactory(season=one, outcome=Outcome.DEBUNKED)
    other_show = TheoryFactory()

    def ids(path="/theories", **params):
        return {each["id"] for each in get(client, path, **params).json()["items"]}

    assert ids() == {about.pk, settled.pk, other_show.pk}
    assert ids(outcome="debunked") == {settled.pk}
    assert ids(language="ko") == {about.pk}
    assert ids("/shows/hyosan/theories") == {about.pk, settled.pk}
    assert ids("/shows/hyosan/theories", season=1) == {settled.pk}
    assert ids("/shows/hyosan/theories", character="su-hyeok") == {about.pk}
    assert ids("/shows/hyosan/theories", outcome="open", language="ko") == {about.pk}
    for wrong in ({"season": 0}, {"outcome": "maybe"}, {"order": "best"}, {"language": "k\x00o"}):
        answer = get(client, "/shows/hyosan/theories", **wrong)
        assert answer.status_code == HTTPStatus.BAD_REQUEST, wrong
        assert answer.json()["status"] == 400
    for missing in ("/shows/nope/theories", "/shows/hyosan/theories?character=nobody"):
        assert client.get(API + missing).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("order", ["hot", "top", "new"])
def test_keyset_pages_walk_every_theory_once_in_order(client, show, order):
    season = show.seasons.get(number=2)
    made = TheoryFactory.create_batch(45, season=season)
    for step, theory in enumerate(made):  # ties and distinct values both
        type(theory).objects.filter(pk=theory.pk).update(hot=step % 4, wilson=step % 3 / 10)
    seen, address, pages = [], f"{API}/theories?order={order}&limit=10", 0
    while address:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(address).json()
        assert len(queries) == 2  # the page's ids by the order's index, then its rows
        seen += [each["id"] for each in page["items"]]
        address, pages = page["next"], pages + 1
    assert pages == 5
    assert sorted(seen) == sorted(theory.pk for theory in made)
    assert len(seen) == len(set(seen))
    listed = get(client, "/theories", order=order, limit=100).json()["items"]
    assert [each["id"] for each in listed] == seen


def test_a_cursor_the_api_did_not_give_is_a_problem(client, show):
    answer = get(client, "/theories", cursor="WzEsMl0.forged")
    assert answer.status_code == HTTPStatus.BAD_REQUEST
    assert "cursor" in answer.json()["detail"]


def test_a_fan_profile_with_their_record_and_shielded_scores(client, show):
    fan = UserFactory(username="seer", display_name="The Seer")
    season = show.seasons.get(number=1)
    TheoryFactory(author=fan, season=season, outcome=Outcome.CONFIRMED)
    TheoryFactory(author=fan, season=season, outcome=Outcome.DEBUNKED)
    TheoryFactory(author=fan, season=season, is_hidden=True, outcome=Outcome.CONFIRMED)
    ForecastScoreFactory(user=fan, prediction=PredictionFactory(season=season))
    blind = get(client, "/fans/seer").json()
    assert blind["display_name"] == "The Seer"
    assert blind["theories"] == {
        "confirmed": 1,
        "partly": 0,
        "debunked": 1,
        "open": 0,
        "total_score": 0,
        "hit_rate": 50,
    }
    assert blind["forecasts"] == {"spoiler_season": 1}
    assert get(client, "/fans/seer", watched=1).json()["forecasts"] == {
        "scored": 1,
        "mean_brier": 0.09,
        "mean_peer": 12.5,
    }
    fan.is_active = False
    fan.save()
    assert get(client, "/fans/seer").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/nowhere", HTTPStatus.NOT_FOUND),
        ("/theories/not-a-number", HTTPStatus.NOT_FOUND),
        ("/theories?limit=0", HTTPStatus.BAD_REQUEST),
        ("/theories?limit=101", HTTPStatus.BAD_REQUEST),
        ("/theories?watched=-1", HTTPStatus.BAD_REQUEST),
        ("/theories?order=sideways", HTTPStatus.BAD_REQUEST),
        ("/shows/hyosan/seasons/1/facts?kind=gossip", HTTPStatus.BAD_REQUEST),
    ],
)
def test_errors_are_problem_details(client, show, path, status):
    answer = client.get(API + path)
    assert answer.status_code == status
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status
    assert body["title"] == HTTPStatus(status).phrase
    assert body["instance"] == API + path


def test_a_bad_parameter_is_named_in_the_problem(client, show):
    body = get(client, "/theories", limit="many").json()
    assert [each["field"] for each in body["errors"]] == ["query.limit"]


def test_other_methods_are_refused_as_problems(client, show):
    answer = client.post(API + "/shows")
    assert answer.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert answer["Allow"] == "GET"
    assert answer.json() == {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "instance": API + "/shows",
    }
    assert client.get("/api/v2/shows").json()["status"] == 404


# Queries --------------------------------------------------------------------------------------


def test_query_counts_stay_flat_as_the_data_grows(client, show):
    one, two = show.seasons.get(number=1), show.seasons.get(number=2)
    fan = UserFactory(username="counted")
    character = CharacterFactory(show=show, slug="counted-character")
    theory = TheoryFactory(season=two, author=fan)
    theory.characters.set([character])
    ForecastScoreFactory(user=fan, prediction=PredictionFactory(season=one))

    def grow():
        for step in range(3):
            # Settled ones too: a verdict's spoiler season reads the theory's season.
            extra = TheoryFactory(season=two, author=fan, outcome=Outcome.CONFIRMED)
            extra.characters.set([character, CharacterFactory(show=show)])
            PredictionFactory(
                season=one,  # settled: its verdict's spoiler season reads its season
                theory=theory,
                author=fan,
                resolution=Resolution.YES,
                resolved_at=datetime.datetime(2022, 2, 1, tzinfo=datetime.UTC),
            )
            FactFactory(season=one)
            EpisodeFactory(season=one)
            later = SeasonFactory(show=show, number=10 + step)
            CharacterStatusFactory(character=character, season=later)
            ForecastScoreFactory(user=fan, prediction=PredictionFactory(season=one))

    addresses = [
        "/shows",
        "/shows/hyosan",
        "/shows/hyosan/seasons/1",
        "/shows/hyosan/seasons/1/facts",
        f"/facts/{FactFactory(season=one).pk}",
        "/people",
        f"/people/{character.actor.slug}",
        "/shows/hyosan/characters",
        "/shows/hyosan/characters/counted-character",
        "/theories",
        "/shows/hyosan/theories?character=counted-character",
        f"/theories/{theory.pk}",
        "/fans/counted",
    ]
    counts = assert_queries_do_not_grow(
        lambda: {path: count_queries(client, API + path) for path in addresses},
        grow,
        "API answers",
    )
    # And what each costs, pinned: a join or a prefetch lost is a query more.
    assert list(counts.values()) == [1, 2, 2, 3, 1, 1, 2, 3, 2, 2, 5, 2, 4], counts


def test_every_operation_is_in_this_file(client):
    """A new operation needs its own test above: the list of documented paths is pinned."""
    paths = set(client.get(reverse("api:openapi-json")).json()["paths"])
    assert paths == {
        "/api/v1/shows",
        "/api/v1/shows/{slug}",
        "/api/v1/shows/{slug}/seasons/{number}",
        "/api/v1/shows/{slug}/seasons/{number}/facts",
        "/api/v1/facts/{pk}",
        "/api/v1/people",
        "/api/v1/people/{slug}",
        "/api/v1/shows/{slug}/characters",
        "/api/v1/shows/{slug}/characters/{character}",
        "/api/v1/theories",
        "/api/v1/shows/{slug}/theories",
        "/api/v1/theories/{pk}",
        "/api/v1/fans/{username}",
    }


def test_pages_walk_ten_thousand_theories_exactly_once_in_flat_queries(client, show, settings):
    """The bench's scale: 10,000 theories, a hundred a page, every page the same cost."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guide.models import Theory

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (100_000, 60)}
    season, author = show.seasons.get(number=2), UserFactory(username="prolific")
    Theory.objects.bulk_create(
        Theory(
            author=author,
            season=season,
            title=f"Theory {n}",
            body="Text",
            hot=n % 97,
            created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(minutes=n // 3),
        )
        for n in range(10_000)
    )
    seen, counts, address = [], set(), f"{API}/theories?order=new&limit=100"
    while address:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(address).json()
        counts.add(len(queries))
        seen += [each["id"] for each in page["items"]]
        address = page["next"]
    assert len(seen) == 10_000
    assert len(set(seen)) == 10_000
    assert len(counts) == 1, counts


def test_a_headline_never_gives_a_season_away(client, show):
    season = show.seasons.get(number=2)
    headed = TheoryFactory(
        season=season, title="Nam-ra dies", spoiler_season=1, spoiler_free_title="A dark turn"
    )
    bare = TheoryFactory(season=season, title="Cheong-san lives", spoiler_season=1)
    assert get(client, f"/theories/{headed.pk}").json()["headline"] == "A dark turn"
    assert get(client, f"/theories/{bare.pk}").json()["headline"] is None


def test_lists_keep_the_order_editors_gave(client, show):
    """Facts by their order, characters by billing, people by name: never by id."""
    season = show.seasons.get(number=1)
    later = FactFactory(season=season, question="Second?", order=2)
    first = FactFactory(season=season, question="First?", order=1)
    facts = get(client, "/shows/hyosan/seasons/1/facts").json()["items"]
    assert [each["id"] for each in facts] == [first.pk, later.pk]
    zed = CharacterFactory(show=show, slug="zed", name="Zed", billing_order=1)
    amy = CharacterFactory(show=show, slug="amy", name="Amy", billing_order=2)
    abe = CharacterFactory(show=show, slug="abe", name="Abe", billing_order=2)
    listed = get(client, "/shows/hyosan/characters").json()["items"]
    assert [each["slug"] for each in listed] == [zed.slug, abe.slug, amy.slug]
    names = [each["name"] for each in get(client, "/people", limit=100).json()["items"]]
    assert names == sorted(names)
    assert len(names) == 3


def test_a_person_lists_only_published_roles_by_show_title(client, show, django_assert_num_queries):
    actor = PersonFactory(slug="one-actor")
    CharacterFactory(show=ShowFactory(title="Zombie Detective"), actor=actor, slug="z")
    CharacterFactory(show=show, actor=actor, slug="h")
    CharacterFactory(show=ShowFactory(title="A draft", is_published=False), actor=actor)
    with django_assert_num_queries(2):  # the person, and their roles with their shows
        roles = get(client, "/people/one-actor").json()["roles"]
    assert [(each["show"], each["character"]) for each in roles] == [
        ("hyosan", "h"),
        ("zombie-detective", "z"),
    ]


def test_a_fact_names_who_is_quoted_in_one_query(client, show, django_assert_num_queries):
    fact = FactFactory(
        season=show.seasons.get(number=1),
        quoted_person=PersonFactory(slug="the-director", name="The Director"),
        quote="We will be back.",
    )
    with django_assert_num_queries(1):
        answer = get(client, f"/facts/{fact.pk}").json()
    assert answer["quoted_person"]["slug"] == "the-director"
    assert answer["show"] == "hyosan"
    with django_assert_num_queries(3):  # the season, its episodes, its facts: none a fact
        get(client, "/shows/hyosan/seasons/1/facts")


def test_a_problem_is_about_blank_and_never_reused(client):
    answer = client.get(API + "/nowhere")
    assert answer.json()["type"] == "about:blank"
    assert answer["Cache-Control"] == "public, max-age=0"


def test_an_address_names_its_own_show(client, show):
    """Season 1 of another show, its character of the same slug and its theories about
    season 1 are not this show's."""
    other = ShowFactory(slug="other-show")
    theirs = ReleasedSeasonFactory(show=other, number=1)
    EpisodeFactory(season=theirs, number=1, title="Not ours")
    CharacterFactory(show=other, slug="twin", name="Their twin")
    CharacterFactory(show=show, slug="twin", name="Our twin")
    TheoryFactory(season=theirs)
    ours = TheoryFactory(season=show.seasons.get(number=1))
    episodes = get(client, "/shows/hyosan/seasons/1", watched=1).json()["episodes"]
    assert [each["title"] for each in episodes] == ["The outbreak"]
    assert get(client, "/shows/hyosan/characters/twin").json()["name"] == "Our twin"
    listed = get(client, "/shows/hyosan/theories", season=1).json()["items"]
    assert [each["id"] for each in listed] == [ours.pk]
    assert [each["slug"] for each in get(client, "/shows").json()["items"]] == [
        "hyosan",
        "other-show",
    ]


@pytest.mark.parametrize(
    ("order", "key"), [("hot", "hot"), ("top", "wilson"), ("new", "created_at")]
)
def test_each_order_is_its_own(client, show, order, key):
    season = show.seasons.get(number=2)
    for step in range(6):
        theory = TheoryFactory(season=season)
        type(theory).objects.filter(pk=theory.pk).update(
            hot=(step * 7) % 5,
            wilson=(step * 3) % 4 / 10,
            created_at=datetime.datetime(2026, 1, 1 + (step * 5) % 6, tzinfo=datetime.UTC),
        )
    from guide.models import Theory

    expected = (
        list(Theory.objects.order_by(f"-{key}", "-pk").values_list("pk", flat=True))
        if key != "wilson"
        else list(Theory.objects.order_by("-wilson", "-score", "-pk").values_list("pk", flat=True))
    )
    for path in ("/theories", "/shows/hyosan/theories"):
        listed = [each["id"] for each in get(client, path, order=order).json()["items"]]
        assert listed == expected, (path, order)


def test_a_page_reads_the_rows_of_its_own_theories_only(client, show):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TheoryFactory.create_batch(5, season=show.seasons.get(number=2))
    with CaptureQueriesContext(connection) as queries:
        page = get(client, "/theories", limit=2).json()
    ids = sorted(each["id"] for each in page["items"])
    rows = queries.captured_queries[-1]["sql"]
    assert "comment_count" in rows
    assert f"IN ({ids[0]}, {ids[1]})" in rows or f"IN ({ids[1]}, {ids[0]})" in rows


def test_a_listed_theory_names_its_characters(client, show):
    theory = TheoryFactory(season=show.seasons.get(number=2))
    theory.characters.set(
        [CharacterFactory(show=show, slug="su-hyeok"), CharacterFactory(show=show, slug="nam-ra")]
    )
    TheoryFactory(season=show.seasons.get(number=2))  # about no one
    listed = {each["id"]: each["characters"] for each in get(client, "/theories").json()["items"]}
    assert listed[theory.pk] == ["nam-ra", "su-hyeok"]
    assert sorted(map(len, listed.values())) == [0, 2]


def test_shows_and_people_are_listed_by_name(client, show):
    ShowFactory(title="Zeta", slug="zeta")
    ShowFactory(title="Alpha", slug="alpha")
    assert [each["slug"] for each in get(client, "/shows").json()["items"]] == [
        "alpha",
        "hyosan",
        "zeta",
    ]
    for name in ("Zoe", "Min", "Ahn"):
        CharacterFactory(show=show, actor=PersonFactory(name=name, slug=name.lower()))
    names = [each["name"] for each in get(client, "/people").json()["items"]]
    assert names == ["Ahn", "Min", "Zoe"]
