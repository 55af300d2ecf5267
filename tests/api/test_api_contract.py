"""The OpenAPI document is valid, and the API keeps to it.

- openapi-spec-validator, an independent validator, checks the document as served.
- schemathesis generates requests for every documented operation from the document, good
  ones and bad ones (wrong types, out-of-range numbers, unknown values, odd strings), and
  checks each answer: never a 500, a documented status and content type, a body in its
  schema, bad input refused.
- Then every operation is called with real data (the demo's show, a theory with claims,
  a fan with a record), at each watch level, and each answer is checked the same way: the
  generated requests mostly find nothing, and the shapes that matter are those of data.
"""

from http import HTTPStatus

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from guide.models import Character, Fact, Person, Show, Theory
from tests.factories import ForecastScoreFactory, PredictionFactory

OPENAPI = "/api/v1/openapi.json"


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get(OPENAPI).json()
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises on any error


def test_every_error_is_documented_as_problem_details(client):
    document = client.get(OPENAPI).json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert {"200", "400", "404", "429"} <= set(answers), (method, path)
            for status in ("400", "404", "429"):
                assert list(answers[status]["content"]) == ["application/problem+json"]


@pytest.fixture
def api_schema(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (100_000, 60)}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    call_command("load_demo", verbosity=0)
    # As Django's test client does: the test's transaction outlives each request.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(OPENAPI, get_wsgi_application())
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_answers_in_the_schema(api_schema, mode):
    """Up to 25 requests an operation in each mode, drawn by hypothesis from the document."""
    checked = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if mode == GenerationMode.NEGATIVE and not _can_be_invalid(operation.definition.raw):
            checked += 1  # any string is a valid slug: there is no bad request to send
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_in_its_schema(case):
            # A cursor is opaque: only one the API gave is valid, which no schema can say,
            # so any other is refused (400) though it is a string of the right length.
            forged_cursor = "cursor" in (case.query or {})
            case.call_and_validate(
                excluded_checks=[positive_data_acceptance] if forged_cursor else None
            )

        answers_in_its_schema()
        checked += 1
    assert checked == 13


def _can_be_invalid(operation: dict) -> bool:
    """Some parameter has a type or a bound a request can break."""
    return any(
        set(each["schema"]) - {"title", "description", "type"} or each["schema"]["type"] != "string"
        for each in operation.get("parameters", [])
    )


# Real data -----------------------------------------------------------------------------------


@pytest.fixture
def real_cases(api_schema):
    """Every operation with arguments that find something."""
    show = Show.objects.get(slug="all-of-us-are-dead")
    character = Character.objects.filter(show=show).first()
    theory = Theory.objects.filter(predictions__isnull=False, is_hidden=False).first()
    fan = theory.author
    ForecastScoreFactory(user=fan, prediction=PredictionFactory(season=theory.season))
    arguments = {
        "slug": show.slug,
        "number": 1,
        "character": character.slug,
        "pk": theory.pk,
        "username": fan.username,
    }
    facts_pk = Fact.objects.filter(season__show=show).first().pk
    person = Person.objects.filter(roles__isnull=False).first().slug
    cases = []
    for path, methods in api_schema.raw_schema["paths"].items():
        operation = api_schema[path]["GET"]
        names = {
            each["name"] for each in methods["get"].get("parameters", []) if each["in"] == "path"
        }
        values = {name: arguments[name] for name in names}
        if path.endswith("/facts/{pk}"):
            values["pk"] = facts_pk
        if path.startswith("/api/v1/people/"):
            values["slug"] = person
        for watched in (None, 0, 1, 2):
            query = {} if watched is None else {"watched": watched}
            cases.append(operation.Case(path_parameters=values, query=query))
    return cases


def test_every_operation_answers_real_data_in_its_schema(real_cases):
    answered = set()
    for case in real_cases:
        response = case.call_and_validate()
        assert response.status_code == HTTPStatus.OK, (case.path, case.path_parameters)
        answered.add(case.path)
    assert len(answered) == 13


def withheld_in(body) -> int:
    """How many values in a JSON answer are withheld texts."""
    if isinstance(body, dict):
        if set(body) == {"spoiler_season"}:
            return 1
        return sum(withheld_in(value) for value in body.values())
    if isinstance(body, list):
        return sum(withheld_in(value) for value in body)
    return 0


def test_the_demo_is_withheld_until_watched_and_whole_after(real_cases):
    """The demo's show has two seasons and season-tagged text: a caller who said nothing
    gets some of it withheld; one who watched both gets none withheld."""
    unsaid = sum(withheld_in(case.call().json()) for case in real_cases if not case.query)
    assert unsaid > 10
    seen_all = [case for case in real_cases if case.query.get("watched") == 2]
    assert sum(withheld_in(case.call().json()) for case in seen_all) == 0
