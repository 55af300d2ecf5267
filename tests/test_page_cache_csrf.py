"""Each visitor's CSRF token goes into a cached page where the template put it, and only
there: text a fan wrote can never decide where a token lands."""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.template import engines
from django.test import Client
from django.urls import reverse

from core.pagecache import cache_for_visitors
from guide import services
from tests.factories import TheoryFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

TOKEN_FIELD_TEXT = 'name="csrfmiddlewaretoken" value="'


class Tokens(HTMLParser):
    """The value of every CSRF token field on a page, as a browser would post it."""

    def __init__(self):
        super().__init__()
        self.values = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.values.append(attrs.get("value"))


def tokens_on(page: str) -> list[str]:
    parser = Tokens()
    parser.feed(page)
    return parser.values


@pytest.mark.parametrize(
    "trap",
    [
        f"Nice try {TOKEN_FIELD_TEXT}",
        f'Closing quote later {TOKEN_FIELD_TEXT}"> and more',
        "@@csrf-token@@",
    ],
)
def test_a_comment_that_imitates_the_token_field_breaks_nothing(trap):
    theory = TheoryFactory(title="Su-hyeok keeps his promise", spoiler_season=None)
    author = UserFactory(username="trickster")
    services.post_comment(author=author, theory=theory, body=trap)
    services.post_comment(author=author, theory=theory, body="The comment after the trap")
    url = theory.get_absolute_url()
    first = Client().get(url)  # renders and fills the cache
    visitor = Client(enforce_csrf_checks=True)
    cached = visitor.get(url)
    for page in (first, cached):
        assert page.status_code == HTTPStatus.OK
        assert "The comment after the trap" in page.text
        assert 'action="' + reverse("guide:theme") + '"' in page.text
        assert trap.split('"')[0].strip() in page.text
    tokens = tokens_on(cached.text)
    assert tokens
    assert len(set(tokens)) == 1
    # The token is in the form fields and nowhere else; apart from it, the cached page
    # is the page as rendered.
    assert cached.text.count(tokens[0]) == len(tokens)
    assert cached.text.replace(tokens[0], "") == first.text.replace(tokens_on(first.text)[0], "")
    response = visitor.post(
        reverse("guide:theme"), {"theme": "dark", "next": url, "csrfmiddlewaretoken": tokens[0]}
    )
    assert response.status_code == HTTPStatus.FOUND


def test_a_page_that_took_a_visitors_real_token_is_never_stored(rf):
    """The safety net: however a token got into a page, that page stays with its visitor."""
    renders = []

    @cache_for_visitors(topics=[])
    def view(request):
        renders.append(request)
        return HttpResponse(f"<p>{get_token(request)}</p>")

    first, second = view(rf.get("/")), view(rf.get("/"))
    assert len(renders) == 2
    assert first.content != second.content


def test_a_placeholder_never_reaches_a_visitor(rf):
    template = engines["django"].from_string("<form>{% csrf_token %}</form>{{ csrf_token }}")

    @cache_for_visitors(topics=[])
    def view(request):
        return HttpResponse(template.render({}, request))

    for response in (view(rf.get("/")), view(rf.get("/"))):
        token = tokens_on(response.content.decode())[0]
        assert response.content.decode().count(token) == 2
        assert len(token) == CSRF_TOKEN_LENGTH


def test_a_page_that_is_not_stored_still_gets_the_visitors_own_token():
    """A cached view that answers 400 (a bad filter) is served, never stored."""
    TheoryFactory(title="Gyeong-su films everything")
    url = reverse("guide:theory_list") + "?sort=sideways"
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    assert page.status_code == HTTPStatus.BAD_REQUEST
    token = tokens_on(page.text)[0]
    assert len(token) == CSRF_TOKEN_LENGTH
    response = visitor.post(
        reverse("guide:theme"), {"theme": "dark", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == HTTPStatus.FOUND
