"""What the demo holds, read from one load of it: these tests only read, so the
module loads the demo once (each test runs in a savepoint of that load, rolled back
after it). What a run of `load_demo` does, and a second run, is in test_demo.py."""

import datetime
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from guide import selectors, services
from guide.demo import data
from guide.models import (
    Character,
    CharacterRole,
    CharacterState,
    CharacterStatus,
    Comment,
    Fact,
    FactKind,
    Milestone,
    Outcome,
    Person,
    Season,
    SeasonStatus,
    Show,
    Theory,
    Vote,
)
from guide.selectors import vote_count_mismatches

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once in a transaction that is rolled back when the module ends.
    Loading it takes a second or two, and nearly thirty tests here only read it."""
    with django_db_blocker.unblock(), transaction.atomic():
        ContentType.objects.clear_cache()  # a transactional test's flush renumbers them
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_show():
    show = Show.objects.get(slug="all-of-us-are-dead")
    assert show.title == "All Of Us Are Dead"
    assert show.original_title == "지금 우리 학교는"
    assert show.platform == "Netflix"
    assert "Lee Jae-gyu" in show.creators
    assert show.source_title == "Now at Our School"
    assert show.source_author == "Joo Dong-geun"
    assert show.source_length == "130 episodes"
    assert show.is_published
    assert show.is_featured


def test_seasons():
    first, second = Season.objects.filter(show__slug="all-of-us-are-dead").order_by("number")
    assert first.number == 1
    assert first.status == SeasonStatus.RELEASED
    assert first.release_date == datetime.date(2022, 1, 28)
    assert first.episode_count == 12
    assert second.number == 2
    assert second.status == SeasonStatus.COMING_SOON
    assert second.release_date is None
    assert second.renewal_announced_on == datetime.date(2022, 6, 6)


def test_five_main_characters_in_billing_order():
    mains = Character.objects.filter(
        show__slug="all-of-us-are-dead", role=CharacterRole.MAIN
    ).order_by("billing_order")
    assert [(c.name, c.actor.name, c.billing_order) for c in mains] == [
        ("Lee Cheong-san", "Yoon Chan-young", 1),
        ("Choi Nam-ra", "Jo Yi-hyun", 2),
        ("Nam On-jo", "Park Ji-hu", 3),
        ("Lee Su-hyeok", "Park Solomon", 4),
        ("Yoon Gwi-nam", "Yoo In-soo", 5),
    ]
    assert all(character.description for character in mains)
    assert "Cheongsan" in mains[0].alias_list


def test_people_have_korean_names_for_search():
    director = Person.objects.get(slug="lee-jae-gyu")
    assert director.native_name == "이재규"
    assert "이재규" in director.aliases.splitlines()
    assert "Cho Yi-hyun" in Person.objects.get(slug="jo-yi-hyun").aliases.splitlines()
    assert Person.objects.count() == len(data.PEOPLE)


def test_character_statuses():
    status = {
        (s.character.slug, s.season.number): s.status
        for s in CharacterStatus.objects.select_related("character", "season")
    }
    assert status[("lee-cheong-san", 1)] == CharacterState.DEAD
    assert status[("choi-nam-ra", 1)] == CharacterState.HALF_ZOMBIE
    assert status[("nam-on-jo", 1)] == CharacterState.ALIVE
    assert status[("lee-su-hyeok", 1)] == CharacterState.ALIVE
    assert status[("choi-nam-ra", 2)] == CharacterState.UNKNOWN
    # Nothing says he is in season 2: his return is undecided.
    assert ("lee-cheong-san", 2) not in status


# True to the sources ------------------------------------------------------------------


# Every theme the seed article names, in its introduction and in its season-1 recap.
ARTICLE_THEMES = (
    "bullying",
    "peer pressure",
    "academic pressure",
    "sexual assault",
    "suicide",
    "revenge porn",
)


def season_page(client, number: int) -> str:
    season = Season.objects.get(show__slug=data.SHOW_SLUG, number=number)
    return client.get(season.get_absolute_url()).content.decode()


def test_cheong_san_is_not_shown_as_returning(client):
    body = season_page(client, 2)
    cast = body[body.index('id="cast-title"') :]
    cast = cast[: cast.index("</section>")]
    assert "Lee Cheong-san" not in cast
    assert "Yoon Chan-young" not in cast
    statuses = CharacterStatus.objects.filter(character__slug="lee-cheong-san")
    assert list(statuses.values_list("season__number", "status")) == [(1, CharacterState.DEAD)]
    # What is known is told as undecided, in the director's name.
    note = statuses.get().note
    assert "Lee Jae-gyu" in note
    assert "nothing is decided" in note
    fact = Fact.objects.get(season__number=2, question="Will Cheong-san come back?")
    assert fact.answer.startswith("Undecided.")
    assert fact.quoted_person.slug == "lee-jae-gyu"
    assert fact.quote == data.QUOTE_CHEONG_SAN


def test_content_advisory_names_every_theme_of_the_article(client):
    advisory = Show.objects.get(slug=data.SHOW_SLUG).content_advisories
    for theme in (*ARTICLE_THEMES, "violence"):
        assert theme in advisory.lower()
    assert advisory in season_page(client, 1)


def test_every_fact_names_a_source_a_reader_can_check():
    facts = Fact.objects.all()
    assert facts.exists()
    for fact in facts:
        source = {name: getattr(fact, name) for name in data.ARTICLE}
        assert source in data.SOURCES, fact.question
        assert fact.source_name, fact.question
        assert fact.source_url or fact.source_title, fact.question
        # Dated wherever the source is. The seed article carries no date: it is found
        # by its outlet, title and address.
        assert fact.source_date or source == data.ARTICLE, fact.question
        assert fact.last_verified_on, fact.question


def test_season_page_shows_each_source_with_its_title(client):
    body = season_page(client, 1)
    for source in data.SOURCES:
        title = source["source_title"]
        if source["source_url"]:
            link = f'<a href="{source["source_url"]}" rel="noopener nofollow">'
            assert f"<cite>{link}{title}</a></cite>" in body
        else:
            assert f"<cite>{title}</cite>" in body
    assert '<time datetime="2022-02-05">5 February 2022</time>' in body


def test_season_1_recap_is_a_season_1_spoiler():
    fact = Fact.objects.get(season__number=1, question="What happened in season 1?")
    assert fact.spoiler_season == 1
    assert "Hyosan High School" in fact.answer


def test_timeline_milestones():
    milestones = {
        (fact.season.number, fact.milestone): fact.happened_on
        for fact in Fact.objects.select_related("season")
        if fact.on_timeline
    }
    assert milestones[(1, Milestone.RELEASED)] == datetime.date(2022, 1, 28)
    assert milestones[(2, Milestone.RENEWED)] == datetime.date(2022, 6, 6)


def test_director_quotes_are_attributed():
    quotes = Fact.objects.filter(quoted_person__slug="lee-jae-gyu", kind=FactKind.INTERVIEW)
    texts = set(quotes.values_list("quote", flat=True))
    assert data.QUOTE_LOOPHOLES in texts
    assert data.QUOTE_SURVIVAL in texts
    assert data.QUOTE_CHEONG_SAN in texts
    cheong_san = quotes.get(quote=data.QUOTE_CHEONG_SAN)
    assert cheong_san.season.number == 2
    assert cheong_san.spoiler_season == 1


def test_facts_that_reveal_season_1_are_shielded():
    for question in ("Will Cheong-san come back?", "What happens to Nam-ra in season 2?"):
        assert Fact.objects.get(question=question).spoiler_season == 1


def test_season_2_facts_are_ordered_and_verified():
    facts = Fact.objects.filter(season__number=2).order_by("order")
    assert [fact.order for fact in facts] == list(range(1, facts.count() + 1))
    assert {fact.last_verified_on for fact in facts} == {datetime.date(2026, 11, 25)}


def test_every_demo_row_passes_model_validation():
    for model in (Show, Person, Character, Season, CharacterStatus, Fact, Theory, Vote, Comment):
        for obj in model.objects.all():
            obj.full_clean()
    for fan in User.objects.all():
        fan.full_clean()


# Fans, theories, votes and comments --------------------------------------------------


def test_demo_fans_have_names_and_bios():
    fans = User.objects.order_by("username")
    assert fans.count() == len(data.FANS)
    assert {"hyosan_survivor", "webtoon_reader"} <= {fan.username for fan in fans}
    for fan in fans:
        assert fan.display_name
        assert fan.bio
        assert fan.is_active
        assert not fan.is_staff
        assert not fan.is_superuser


def test_theories_exist_for_both_seasons():
    counts = {number: Theory.objects.filter(season__number=number).count() for number in (1, 2)}
    assert counts[1] >= 4
    assert counts[2] >= 10


def test_every_theory_is_rendered_and_slugged():
    for theory in Theory.objects.all():
        assert theory.slug == theory.make_slug()
        assert theory.body_html.startswith("<p>")
        assert "<script" not in theory.body_html
        assert theory.author.username in {fan["username"] for fan in data.FANS}
        # Derived the way every theory is: by the one helper the services use.
        derived = services.theory_text_fields(
            title=theory.title,
            body=theory.body,
            spoiler_season=theory.spoiler_season,
            spoiler_free_title=theory.spoiler_free_title,
        )
        assert {name: getattr(theory, name) for name in derived} == derived


def test_season_1_theories_are_resolved_by_several_fans():
    resolved = Theory.objects.filter(season__number=1).exclude(outcome=Outcome.OPEN)
    assert resolved.count() >= 3
    assert resolved.values("author").distinct().count() >= 3
    assert {theory.outcome for theory in resolved} == {
        Outcome.CONFIRMED,
        Outcome.PARTLY,
        Outcome.DEBUNKED,
    }
    release = datetime.datetime(2022, 1, 28, tzinfo=datetime.UTC)
    for theory in resolved:
        assert theory.outcome_note
        assert theory.outcome_set_at > release
        assert theory.created_at < release
        # The verdict tells how season 1 went.
        assert theory.spoiler_season == 1


def test_season_2_theories_are_open_and_dated_after_the_renewal():
    renewal = datetime.datetime(2022, 6, 6, tzinfo=datetime.UTC)
    now = datetime.datetime.now(datetime.UTC)
    season_2 = Theory.objects.filter(season__number=2)
    assert set(season_2.values_list("outcome", flat=True)) == {Outcome.OPEN}
    for theory in season_2:
        assert renewal < theory.created_at < now
        assert theory.outcome_set_at is None
    assert season_2.filter(spoiler_season=1).exists()
    assert season_2.filter(spoiler_season__isnull=True).exists()


def test_counts_equal_the_vote_rows():
    assert vote_count_mismatches() == []


def test_each_fan_votes_on_most_theories_but_not_their_own():
    theories = Theory.objects.count()
    for fan in User.objects.all():
        assert fan.votes.count() >= theories // 2
        assert not fan.votes.filter(theory__author=fan).exists()
    assert Vote.objects.filter(value=-1).exists()


def test_leaderboard_has_a_clear_order():
    records = {}
    for theory in Theory.objects.exclude(outcome=Outcome.OPEN).select_related("author"):
        record = records.setdefault(theory.author.username, [0, 0])
        if theory.outcome == Outcome.CONFIRMED:
            record[0] += 1
        elif theory.outcome == Outcome.PARTLY:
            record[1] += 1
    ranked = sorted(records.values(), reverse=True)
    assert ranked[0] > ranked[1] > ranked[2]


def test_the_forecasters_table_ranks_several_fans_in_a_clear_order(settings):
    ranked = selectors.forecasters(minimum=settings.LEADERBOARD_MIN_FORECASTS)
    assert len(ranked) >= 3
    peers = [row["mean_peer"] for row in ranked]
    assert peers == sorted(set(peers), reverse=True)  # no tie to explain


def test_comments():
    comments = Comment.objects.select_related("theory", "author")
    assert 8 <= comments.count() <= 15
    assert comments.filter(spoiler_season=1).exists()
    for comment in comments:
        assert comment.body_html.startswith("<p>")
        assert comment.created_at > comment.theory.created_at
        if comment.parent_id:  # a reply answers an earlier comment on the same theory
            assert comment.parent.theory_id == comment.theory_id
            assert comment.parent.created_at < comment.created_at
            assert comment.depth == comment.parent.depth + 1
    # A thread deep enough that its last reply is one link away ("continue this thread").
    assert comments.filter(depth=3).exists()


def test_every_demo_spoiler_theory_has_a_spoiler_free_headline():
    spoilers = Theory.objects.filter(spoiler_season__isnull=False)
    assert spoilers.count() >= 10
    for theory in spoilers:
        assert theory.spoiler_free_title.strip(), theory.title
        assert theory.spoiler_free_title != theory.title
