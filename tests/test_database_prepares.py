"""On PostgreSQL, a statement a connection runs again and again is prepared, so the
database parses and plans it once (config/settings.py: server-side binding)."""

import pytest
from django.db import connection

from guide.models import Theory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]


def _prepared_on_theories() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%guide_theory%"],
        )
        return cursor.fetchone()[0]


def test_a_statement_run_again_and_again_is_prepared_once():
    before = _prepared_on_theories()
    for pk in range(12):  # one statement, twelve sets of values
        list(Theory.objects.filter(pk=pk).values_list("pk", flat=True))
    assert _prepared_on_theories() == before + 1
