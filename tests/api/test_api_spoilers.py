"""No season-tagged text reaches an API caller who has not watched that season.

The spoiler canary world (tests/guide/test_spoiler_canary.py) plants a unique word in
every text field guide.models.season_text says gives a season away. Here every operation
the OpenAPI document lists is called for every thing of the world it can name (each
show, season, fact, person, character, theory and fan, and every list page of every
filter value), at every watch level; no answer may carry a canary of a season beyond
the level. The operations come from the document and the path values from the world, so
a new operation or field is covered, or this test fails to name it.
"""

import itertools
import re
from http import HTTPStatus

import pytest

from guide.models import Fact, Person
from tests.guide.test_spoiler_canary import LEVELS, NOT_ANSWERED, leaks
from tests.guide.test_spoiler_canary import world as world  # the fixture

pytestmark = pytest.mark.django_db


def path_values(world) -> dict[str, list]:
    """Every value each path parameter of the API can take in the world."""
    show = world["show"]
    return {
        "slug": [show.slug],
        "number": [season.number for season in world["seasons"].values()],
        "character": [character.slug for character in world["characters"]],
        "pk": [theory.pk for theory in world["theories"]],
        "fact": list(Fact.objects.filter(season__show=show).values_list("pk", flat=True)),
        "person": list(Person.objects.values_list("slug", flat=True)),
        "username": [world["author"].username],
    }


LIST_QUERIES = ["", "?order=new", "?order=top", "?outcome=confirmed", "?limit=100"]


def addresses(client, world) -> dict[str, list[str]]:
    """Each documented operation and the addresses that call it on the world's things."""
    values = path_values(world)
    document = client.get("/api/v1/openapi.json").json()
    found = {}
    for template in document["paths"]:
        names = re.findall(r"{(\w+)}", template)
        pools = []
        for name in names:
            if name == "pk" and template.startswith("/api/v1/facts/"):
                pools.append(values["fact"])
            elif name == "slug" and template.startswith("/api/v1/people/"):
                pools.append(values["person"])
            else:
                pools.append(values[name])
        found[template] = []
        for combination in itertools.product(*pools):
            address = template
            for name, value in zip(names, combination, strict=True):
                address = address.replace("{" + name + "}", str(value))
            found[template] += [address + query for query in LIST_QUERIES]
    return found


def test_no_canary_reaches_a_caller_beyond_their_watch_level(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (100_000, 60)}
    canaries = world["canaries"]
    # Every answer of the API shows these models' texts: each must have canaries planted.
    exposed = {
        "guide.Theory",
        "guide.Fact",
        "guide.Episode",
        "guide.CharacterStatus",
        "guide.Prediction",
    }
    assert exposed <= {canary.model for canary in canaries}
    found, seen = {}, set()
    for template, targets in addresses(client, world).items():
        answered = 0
        for address, level in itertools.product(targets, LEVELS):
            query = "" if level is NOT_ANSWERED else f"watched={level}"
            joined = address + ("&" if "?" in address else "?") + query if query else address
            response = client.get(joined)
            if response.status_code != HTTPStatus.OK:
                continue
            answered += 1
            body = response.content.decode()
            leaked = leaks(canaries, body, unless_watched=level)
            if leaked:
                found[joined] = leaked
            seen |= {canary.model for canary in canaries if canary.word in body}
        assert answered, f"no address of {template} answered in the canary world"
    assert found == {}
    # The check can see: what a caller who watched is shown includes each exposed model.
    assert exposed <= seen


def test_the_check_catches_a_leak(client, world):
    fact = Fact.objects.filter(spoiler_season=3, season__number=1).first()
    body = client.get(f"/api/v1/facts/{fact.pk}?watched=3").content.decode()
    assert leaks(world["canaries"], body, unless_watched=0)
