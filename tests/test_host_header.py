"""A request for a host we do not serve gets the friendly 400 page, never a 500."""

from http import HTTPStatus

import pytest
from django.test import Client, RequestFactory

from core import errors

pytestmark = pytest.mark.django_db

BAD_HOSTS = ["evil.example", "evil.example:8000", "testserver.evil.example", "[::1"]


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/theories/", "/no-such-page/", "/admin/"])
def test_a_disallowed_host_gets_the_friendly_bad_request_page(settings, host, path):
    assert not settings.DEBUG
    response = Client().get(path, headers={"host": host})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Bad request" in response.text
    assert "evil.example" not in response.text


def _render_each_handler(request):
    exception = Exception("boom")
    yield "400", errors.bad_request(request, exception), "Bad request"
    yield "403", errors.permission_denied(request, exception), "403"
    yield "404", errors.page_not_found(request, exception), "404"
    yield "500", errors.server_error(request), "500"
    yield "csrf", errors.csrf_failure(request, reason="no token"), "403"
    yield "429", errors.too_many_requests(request, retry_after=60, kept={"Note": "kept"}), "kept"


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_every_error_handler_renders_without_a_valid_host(host):
    request = RequestFactory().get("/somewhere/", headers={"host": host})
    for name, response, marker in _render_each_handler(request):
        assert response.status_code >= 400, name
        assert marker in response.content.decode() or str(response.status_code) == marker, name
