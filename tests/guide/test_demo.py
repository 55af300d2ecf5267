import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from guide import demo
from guide.models import (
    Character,
    CharacterRole,
    CharacterState,
    CharacterStatus,
    Fact,
    FactKind,
    Milestone,
    Person,
    Season,
    SeasonStatus,
    Show,
)

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    """Every row of every guide model, every field included (timestamps too)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("guide").get_models()
    }


def test_second_run_changes_nothing():
    load_demo()
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "0 created, 0 updated" in output


def test_run_restores_edited_values_without_duplicating():
    load_demo()
    fact = Fact.objects.get(question="When will season 2 be released?")
    Fact.objects.filter(pk=fact.pk).update(answer="Edited by hand.")
    Person.objects.filter(slug="ahn-ji-ho").delete()
    counts = {label: len(rows) for label, rows in snapshot().items()}

    output = load_demo()

    fact.refresh_from_db()
    assert fact.answer.startswith("There is no premiere date yet.")
    assert Person.objects.filter(slug="ahn-ji-ho").exists()
    assert Fact.objects.count() == counts["guide.Fact"]
    assert Person.objects.count() == counts["guide.Person"] + 1
    assert "1 created, 1 updated" in output


def test_show():
    load_demo()
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
    for theme in ("violence", "bullying", "sexual assault", "suicide", "revenge porn"):
        assert theme in show.content_advisories


def test_seasons():
    load_demo()
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
    load_demo()
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
    load_demo()
    director = Person.objects.get(slug="lee-jae-gyu")
    assert director.native_name == "이재규"
    assert "이재규" in director.alias_list
    assert "Cho Yi-hyun" in Person.objects.get(slug="jo-yi-hyun").alias_list
    assert Person.objects.count() == len(demo.PEOPLE)


def test_character_statuses():
    load_demo()
    status = {
        (s.character.slug, s.season.number): s.status
        for s in CharacterStatus.objects.select_related("character", "season")
    }
    assert status[("lee-cheong-san", 1)] == CharacterState.DEAD
    assert status[("choi-nam-ra", 1)] == CharacterState.HALF_ZOMBIE
    assert status[("nam-on-jo", 1)] == CharacterState.ALIVE
    assert status[("lee-su-hyeok", 1)] == CharacterState.ALIVE
    assert status[("choi-nam-ra", 2)] == CharacterState.UNKNOWN
    assert status[("lee-cheong-san", 2)] == CharacterState.UNKNOWN


def test_season_1_recap_is_a_season_1_spoiler():
    load_demo()
    fact = Fact.objects.get(season__number=1, question="What happened in season 1?")
    assert fact.spoiler_season == 1
    assert "Hyosan High School" in fact.answer


def test_timeline_milestones():
    load_demo()
    milestones = {
        (fact.season.number, fact.milestone): fact.happened_on
        for fact in Fact.objects.milestones().select_related("season")
    }
    assert milestones[(1, Milestone.RELEASED)] == datetime.date(2022, 1, 28)
    assert milestones[(2, Milestone.RENEWED)] == datetime.date(2022, 6, 6)


def test_director_quotes_are_attributed():
    load_demo()
    quotes = Fact.objects.filter(quoted_person__slug="lee-jae-gyu", kind=FactKind.INTERVIEW)
    texts = set(quotes.values_list("quote", flat=True))
    assert demo.QUOTE_LOOPHOLES in texts
    assert demo.QUOTE_SURVIVAL in texts
    assert demo.QUOTE_CHEONG_SAN in texts
    cheong_san = quotes.get(quote=demo.QUOTE_CHEONG_SAN)
    assert cheong_san.season.number == 2
    assert cheong_san.spoiler_season == 1


def test_facts_that_reveal_season_1_are_shielded():
    load_demo()
    for question in ("Will Cheong-san come back?", "What happens to Nam-ra in season 2?"):
        assert Fact.objects.get(question=question).spoiler_season == 1


def test_season_2_facts_are_ordered_and_verified():
    load_demo()
    facts = Fact.objects.filter(season__number=2).order_by("order")
    assert [fact.order for fact in facts] == list(range(1, facts.count() + 1))
    assert {fact.last_verified_on for fact in facts} == {datetime.date(2026, 11, 25)}


def test_every_demo_row_passes_model_validation():
    load_demo()
    for model in (Show, Person, Character, Season, CharacterStatus, Fact):
        for obj in model.objects.all():
            obj.full_clean()
