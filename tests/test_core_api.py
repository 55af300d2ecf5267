"""core.api on its own, with views made here: what any public read operation gets from it."""

import json

import pytest
from django.http import JsonResponse

from core.api import PROBLEM_CONTENT_TYPE, problem, public_read


def test_a_problem_is_utf8_json_with_its_text_as_written(rf):
    response = problem(rf.get("/api/v1/x"), 400, "Ça ne va pas: 지금 우리 학교는")
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "Ça ne va pas: 지금 우리 학교는".encode() in response.content  # not \\u escapes
    assert json.loads(response.content)["detail"] == "Ça ne va pas: 지금 우리 학교는"


@pytest.fixture
def counted_view(settings):
    """A read operation decorated as the API's are, counting how often it really runs."""
    settings.VISITOR_PAGE_CACHE = True
    runs = []

    @public_read(params=["season", "order"], topics=lambda **kwargs: [], seconds=60, max_age=0)
    def view(request):
        runs.append(request.GET.urlencode())
        return JsonResponse({"run": len(runs)})

    return view, runs


def test_a_stored_copy_is_shared_by_the_same_declared_parameters_only(rf, counted_view):
    view, runs = counted_view
    first = view(rf.get("/api/v1/x", {"order": "hot", "season": "2"}))
    # The same values in another order, or with a parameter the operation never reads.
    assert view(rf.get("/api/v1/x?season=2&order=hot")).content == first.content
    assert view(rf.get("/api/v1/x?season=2&order=hot&utm=mail")).content == first.content
    assert len(runs) == 1
    view(rf.get("/api/v1/x?season=2&order=top"))
    view(rf.get("/api/v1/x?season=1&order=hot"))
    assert len(runs) == 3
