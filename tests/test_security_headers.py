"""Security headers, cookies, the HTTPS redirect and production static files.

The test settings are the production settings with DEBUG=false; only SECURE_SSL_REDIRECT
is off, because the test client speaks plain http. Requests here say secure=True so that
HSTS and secure cookies apply as they do behind TLS.
"""

import os
import subprocess
import sys
import textwrap
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

BASE_DIR = Path(django_settings.BASE_DIR)
ONE_YEAR = 31536000


# Helpers --------------------------------------------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    """Split a CSP header into {directive: [source, ...]}, as a browser reads it.

    A repeated directive is ignored by browsers after its first occurrence; we keep the
    first one too, and an empty directive (between two ';') is skipped.
    """
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if not tokens:
            continue
        name, *sources = tokens
        directives.setdefault(name.lower(), [source.lower() for source in sources])
    return directives


def parse_hsts(header: str) -> dict[str, str | None]:
    params: dict[str, str | None] = {}
    for part in header.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, value = part.partition("=")
        params[name.strip().lower()] = value.strip().strip('"') or None
    return params


def set_cookie_headers(response) -> list[str]:
    """The raw Set-Cookie headers of a test-client response."""
    return [morsel.OutputString() for morsel in response.cookies.values()]


def security_header_problems(response) -> list[str]:
    """Everything wrong with a response's security headers (empty when all is well)."""
    headers = response.headers
    problems: list[str] = []

    def expect(ok: bool, message: str) -> None:
        if not ok:
            problems.append(message)

    hsts = headers.get("Strict-Transport-Security")
    max_age = parse_hsts(hsts).get("max-age") if hsts else None
    expect(
        bool(max_age and max_age.isdigit() and int(max_age) >= ONE_YEAR),
        f"Strict-Transport-Security max-age >= {ONE_YEAR}: got {hsts!r}",
    )
    expect(
        headers.get("X-Content-Type-Options", "").lower() == "nosniff",
        f"X-Content-Type-Options nosniff: got {headers.get('X-Content-Type-Options')!r}",
    )
    expect(
        headers.get("Referrer-Policy", "").lower()
        in {"same-origin", "strict-origin", "no-referrer", "strict-origin-when-cross-origin"},
        f"Referrer-Policy same-origin or stricter: got {headers.get('Referrer-Policy')!r}",
    )
    expect(
        headers.get("X-Frame-Options", "").upper() == "DENY",
        f"X-Frame-Options DENY: got {headers.get('X-Frame-Options')!r}",
    )
    expect(
        headers.get("Cross-Origin-Opener-Policy", "").lower() == "same-origin",
        f"Cross-Origin-Opener-Policy same-origin: got "
        f"{headers.get('Cross-Origin-Opener-Policy')!r}",
    )
    expect(
        headers.get("Cross-Origin-Resource-Policy", "").lower() == "same-origin",
        f"Cross-Origin-Resource-Policy same-origin: got "
        f"{headers.get('Cross-Origin-Resource-Policy')!r}",
    )

    raw_csp = headers.get("Content-Security-Policy")
    if not raw_csp:
        problems.append("Content-Security-Policy is missing")
        return problems
    csp = parse_csp(raw_csp)
    expect(
        csp.get("default-src") in (["'none'"], ["'self'"]),
        f"CSP default-src 'none' or 'self': got {csp.get('default-src')}",
    )
    for name, sources in csp.items():
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"):
            expect(bad not in sources, f"CSP {name} allows {bad}")
    for name, wanted in (
        ("frame-ancestors", ["'none'"]),
        ("form-action", ["'self'"]),
        ("base-uri", ["'self'"]),
        ("object-src", ["'none'"]),
    ):
        expect(csp.get(name) == wanted, f"CSP {name} {wanted}: got {csp.get(name)}")
    # Scripts and styles only from this site (nonces are fine, no inline).
    for name in ("script-src", "style-src"):
        for source in csp.get(name, []):
            expect(
                source == "'self'" or source.startswith("'nonce-"),
                f"CSP {name} allows {source}",
            )
    return problems


def assert_security_headers(response) -> None:
    problems = security_header_problems(response)
    assert not problems, "\n".join([f"{response.status_code} response:", *problems])


def test_parse_csp_reads_directives_not_substrings():
    csp = parse_csp("default-src 'self';; script-src 'self' 'nonce-abc' ; frame-ancestors 'none'")
    assert csp == {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'nonce-abc'"],
        "frame-ancestors": ["'none'"],
    }
    # A later repeat does not override the first (browsers ignore it).
    assert parse_csp("object-src 'none'; object-src *")["object-src"] == ["'none'"]


# Headers on every kind of response ------------------------------------------------------------


@pytest.mark.django_db
def test_html_page_has_security_headers(client):
    response = client.get(reverse("guide:home"), secure=True)
    assert response.status_code == HTTPStatus.OK
    assert_security_headers(response)


@pytest.mark.django_db
def test_redirect_has_security_headers(client):
    response = client.get(reverse("accounts:settings"), secure=True)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    assert_security_headers(response)


@pytest.mark.django_db
def test_error_page_has_security_headers(client):
    response = client.get("/no-such-page-here/", secure=True)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_security_headers(response)


@pytest.mark.django_db
def test_bad_request_page_has_security_headers(client):
    response = client.get(reverse("guide:theory_list"), {"sort": "nonsense"}, secure=True)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_security_headers(response)


@pytest.mark.django_db
def test_static_file_has_security_headers(client):
    """WhiteNoise answers static files itself; the headers must still be there.

    WhiteNoiseMiddleware returns its response without calling the middleware below it,
    so any header added by middleware listed after it is missing on static files.
    """
    url = static("css/site.css")
    response = client.get(url, secure=True)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/css")
    assert_security_headers(response)


@pytest.mark.django_db
def test_no_hsts_over_plain_http(client):
    """HSTS sent over http would be ignored, and Django rightly sends none."""
    response = client.get(reverse("guide:home"))
    assert "Strict-Transport-Security" not in response.headers


# Cookies --------------------------------------------------------------------------------------


def _assert_host_cookie(raw: str, *, name: str, httponly: bool) -> None:
    cookie = SimpleCookie()
    cookie.load(raw)
    assert name in cookie, raw
    morsel = cookie[name]
    attributes = {part.strip().split("=", 1)[0].lower() for part in raw.split(";")[1:]}
    assert "secure" in attributes, raw
    assert morsel["path"] == "/", raw
    assert not morsel["domain"], raw
    assert "domain" not in attributes, raw
    assert morsel["samesite"].lower() == "lax", raw
    if httponly:
        assert "httponly" in attributes, raw


@pytest.mark.django_db
def test_login_over_https_sets_host_prefixed_cookies():
    user = UserFactory(username="cookiefan")
    client = Client(enforce_csrf_checks=True)
    login_url = reverse("accounts:login")

    page = client.get(login_url, secure=True)
    assert page.status_code == HTTPStatus.OK
    csrf_name = django_settings.CSRF_COOKIE_NAME
    assert csrf_name.startswith("__Host-")
    assert csrf_name in page.cookies, page.cookies
    _assert_host_cookie(page.cookies[csrf_name].OutputString(), name=csrf_name, httponly=False)

    token = page.context["csrf_token"]
    response = client.post(
        login_url,
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": str(token)},
        secure=True,
        headers={"Referer": f"https://testserver{login_url}"},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    session_name = django_settings.SESSION_COOKIE_NAME
    assert session_name.startswith("__Host-")
    assert session_name in response.cookies, set_cookie_headers(response)
    _assert_host_cookie(
        response.cookies[session_name].OutputString(), name=session_name, httponly=True
    )
    # Login rotates the CSRF token; the new cookie keeps the same attributes.
    if csrf_name in response.cookies:
        _assert_host_cookie(
            response.cookies[csrf_name].OutputString(), name=csrf_name, httponly=False
        )
    # The session works on the next HTTPS request.
    assert client.get(reverse("accounts:settings"), secure=True).status_code == HTTPStatus.OK


def test_every_cookie_name_is_host_prefixed_and_secure_in_production():
    assert django_settings.SESSION_COOKIE_NAME.startswith("__Host-")
    assert django_settings.CSRF_COOKIE_NAME.startswith("__Host-")
    assert django_settings.SESSION_COOKIE_SECURE is True
    assert django_settings.CSRF_COOKIE_SECURE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    # __Host- cookies must not carry a Domain and must have Path=/.
    assert django_settings.SESSION_COOKIE_DOMAIN is None
    assert django_settings.CSRF_COOKIE_DOMAIN is None
    assert django_settings.SESSION_COOKIE_PATH == "/"
    assert django_settings.CSRF_COOKIE_PATH == "/"
    if django_settings.LANGUAGE_COOKIE_NAME.startswith("__Host-"):
        assert django_settings.LANGUAGE_COOKIE_SECURE is True
        assert django_settings.LANGUAGE_COOKIE_PATH == "/"
        assert django_settings.LANGUAGE_COOKIE_DOMAIN is None


@pytest.mark.django_db
def test_language_cookie_over_https_is_a_valid_host_cookie(client):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"}, secure=True)
    assert response.status_code == HTTPStatus.FOUND
    name = django_settings.LANGUAGE_COOKIE_NAME
    assert name in response.cookies
    raw = response.cookies[name].OutputString()
    attributes = {part.strip().split("=", 1)[0].lower() for part in raw.split(";")[1:]}
    if name.startswith("__Host-"):
        assert "secure" in attributes, raw
        assert response.cookies[name]["path"] == "/", raw
        assert not response.cookies[name]["domain"], raw


# HTTPS redirect -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plain_http_redirects_permanently_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # builds its middleware on the first request, with the new setting
    response = client.get(reverse("guide:theory_list") + "?sort=new", secure=False)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/theories/?sort=new"
    # Already on HTTPS: no redirect.
    assert client.get(reverse("guide:home"), secure=True).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_health_checks_are_exempt_from_https_redirect(settings):
    """Load balancers probe over plain http inside the private network."""
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get(reverse("healthz")).status_code == HTTPStatus.OK
    assert client.get(reverse("readyz")).status_code == HTTPStatus.OK


# Production static files ----------------------------------------------------------------------


PRODUCTION_SETTINGS = """
from config.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """Run collectstatic with the production settings into a temporary STATIC_ROOT."""
    tmp = tmp_path_factory.mktemp("collectstatic")
    static_root = tmp / "static_root"
    (tmp / "prod_static_settings.py").write_text(
        textwrap.dedent(PRODUCTION_SETTINGS.format(static_root=str(static_root)))
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "SECURE_SSL_REDIRECT", "DEBUG"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="collectstatic-test-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="next-season.example",
        DJANGO_SETTINGS_MODULE="prod_static_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(BASE_DIR)]),
    )
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v", "1"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


def test_production_storage_is_compressed_manifest():
    from config import settings as production

    assert (
        production.STORAGES["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert production.WHITENOISE_MAX_AGE == ONE_YEAR


def test_collectstatic_writes_hashed_and_compressed_css(collected_static):
    css_dir = collected_static / "css"
    assert (collected_static / "staticfiles.json").is_file()
    hashed = [
        path
        for path in css_dir.glob("site.*.css")
        if path.name != "site.css" and len(path.name.split(".")) == 3
    ]
    assert len(hashed) == 1, sorted(p.name for p in css_dir.iterdir())
    css = hashed[0]
    assert Path(f"{css}.gz").is_file(), sorted(p.name for p in css_dir.iterdir())
    assert Path(f"{css}.br").is_file(), (
        "no .br file: install whitenoise[brotli] (the brotli package)"
    )


def test_source_maps_are_collected_but_not_compressed(collected_static):
    """Only developer tools read a source map; compressing them doubled collectstatic."""
    maps = list(collected_static.rglob("*.map"))
    assert maps, "no source map collected: the check below would say nothing"
    compressed = [
        path for path in collected_static.rglob("*.map.*") if path.suffix in (".gz", ".br")
    ]
    assert compressed == []


@pytest.mark.django_db
def test_hashed_static_files_are_cached_for_a_year_and_immutable(collected_static, settings):
    settings.STATIC_ROOT = str(collected_static)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_MAX_AGE = ONE_YEAR
    client = Client()  # a new handler: WhiteNoise scans STATIC_ROOT when it starts
    url = static("css/site.css")
    assert url != "/static/css/site.css", "the manifest storage should give a hashed URL"
    response = client.get(url, secure=True, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == HTTPStatus.OK
    cache_control = {
        part.strip().lower() for part in response["Cache-Control"].split(",") if part.strip()
    }
    max_ages = [int(part[8:]) for part in cache_control if part.startswith("max-age=")]
    # WhiteNoise gives hashed files ten years; a year is the floor.
    assert max_ages, response["Cache-Control"]
    assert max_ages[0] >= ONE_YEAR, response["Cache-Control"]
    assert "immutable" in cache_control, response["Cache-Control"]
    assert response.headers.get("Content-Encoding") in {"br", "gzip"}
    assert "Accept-Encoding" in response.headers.get("Vary", "")
    assert_security_headers(response)
