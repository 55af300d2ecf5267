"""Fixtures for the browser tests: one headless Chromium, driven by Playwright.

The browser is Debian's Chromium (or CHROMIUM_PATH); Playwright never downloads one.
A dead proxy keeps it from reaching any outside host, while loopback (the live server)
is reached directly. Without a Chromium the tests skip, unless REQUIRE_BROWSER=1 (CI),
where they fail instead.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from guide import renditions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A dead proxy: no request can leave the machine. Chromium bypasses proxies for
    # loopback by default (note: "<-loopback>" would do the opposite and route the live
    # server through the dead proxy too).
    "--proxy-server=127.0.0.1:9",
]

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Fail fast: a server-rendered page on loopback answers in milliseconds.
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """CHROMIUM_PATH if set (and only it), else Debian's Chromium, else one on PATH."""
    if configured := os.environ.get("CHROMIUM_PATH"):
        candidates = [configured]
    else:
        candidates = [DEFAULT_CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in filter(None, candidates):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed when they are done.

    Playwright's sync API keeps an event loop running in the main thread while the
    browser lives, and Django refuses ORM calls from a thread with a running loop, so
    DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that time. It is not set for the whole
    session: other tests run `manage.py check --deploy` in a subprocess, which rejects it.
    """
    path = chromium_path()
    if path is None:
        message = (
            f"Chromium not found at {os.environ.get('CHROMIUM_PATH') or DEFAULT_CHROMIUM}; "
            "set CHROMIUM_PATH"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=path, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def site(live_server, transactional_db, monkeypatch):
    """The live server's base URL, with a fresh demo and empty rate-limit counters.

    The demo's pictures are drawn, but not their smaller renditions: pages show each
    picture as uploaded, as they do until the task has run. Encoding them took most of
    each demo load, and no test here looks at them (tests/guide/test_renditions.py and
    `make lighthouse` do)."""
    monkeypatch.setattr(renditions, "draw", lambda storage, name: {})
    cache.clear()
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


class PageWatch:
    """Collects what a context's pages asked for and complained about."""

    # Chromium logs every 4xx/5xx response as a console error; pages that are *meant*
    # to answer with an error status (the 404 page, a form with errors) register here.
    FAILED_LOAD = "Failed to load resource: the server responded with a status of"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.expected_failures: set[str] = set()

    def expect_failure(self, url: str) -> None:
        self.expected_failures.add(url if "://" in url else self.base_url + url)

    def attach(self, page) -> None:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _console(self, page, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if message.text.startswith(self.FAILED_LOAD) and where in self.expected_failures:
            return
        self.errors.append(f"{where or page.url}: {message.text}")

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not (url.startswith(self.base_url + "/") or url.startswith("data:"))
        ]


@pytest.fixture
def new_context(browser, site):
    """Factory for browser contexts (closed at teardown), each page watched."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=site, **options)
        context.set_default_timeout(TIMEOUT_MS)
        watch = PageWatch(site)
        context.on("page", watch.attach)
        context.watch = watch
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def screenshot(target, **options) -> None:
    """`target.screenshot(**options)` for a page or an element, asked once more when
    Chromium answers "Unable to capture screenshot": it now and then fails to grab a
    frame of a page that has rendered, which says nothing of the page."""
    try:
        target.screenshot(**options)
    except PlaywrightError as error:
        if "Unable to capture screenshot" not in str(error):
            raise
        target.screenshot(**options)


def log_in(page, username: str, password: str) -> None:
    """Log in through the login form, as a fan would."""
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
