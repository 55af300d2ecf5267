"""What a hostile client sends, and the oracles that judge what it gets back.

Shared by the bad-input modules: strategies for arbitrary text (control characters,
mixed scripts, invalid UTF-8), huge and negative numbers and empty strings; `next`
targets that try to leave the site; and the checks that a response is never a 500,
never sends a reader off-site, and shows a form again with its errors.
"""

from http import HTTPStatus
from urllib.parse import quote, urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(HYPOTHESIS, max_examples=20)
FEWER = settings(HYPOTHESIS, max_examples=10)

HOST = "testserver"

# Strategies -----------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "남라",
    "Ω≈ç√",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() and int() accept them
    "²",  # isdigit() is True, int() refuses it
    "%00",
    "%ff",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "0",
    "1.5",
    "1e400",
    "NaN",
    "inf",
    str(10**30),
    str(-(10**30)),
    str(2**31),
    str(2**63),
    "a" * 5000,
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([str(10**30), "-1", "0", "", "  7 ", "0x10", "1_000", "+3"]),
)
TEXT = st.one_of(st.text(), st.sampled_from(NASTY), NUMBERS)
# Invalid UTF-8: raw bytes that the server must decode with replacement characters.
RAW_BYTES = st.binary(max_size=64)

# `next` targets that try to leave the site.
OFFSITE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "http://testserver/",  # downgrade to http from an https request
    "/%2F%2Fevil.example",
]
# Odd, but relative paths on this site.
ODD_NEXT = ["0", "guide:home", "set_language", "\u3002evil.example", "?next=//evil.example"]
NEXT = st.one_of(TEXT, st.sampled_from(OFFSITE_NEXT + ODD_NEXT))

# Oracles --------------------------------------------------------------------------------------


def redirect_stays_on_site(location: str, *, secure: bool) -> bool:
    """Would a browser following this Location stay on testserver (over https if secure)?

    Independent of Django's own check: browsers drop tabs and newlines, trim leading
    control characters and spaces, and read backslashes as slashes.
    """
    cleaned = location.lstrip("".join(chr(c) for c in range(0x21)))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme:
        if parts.scheme.lower() not in {"http", "https"}:
            return False
        if secure and parts.scheme.lower() != "https":
            return False
        return parts.netloc.lower() == HOST
    if parts.netloc:
        return parts.netloc.lower() == HOST
    return not cleaned.startswith("//")


def check(response, *, allowed=None, secure: bool = False) -> None:
    """Never a 500; redirects stay on this site; the status is one of `allowed`."""
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (
        response.status_code,
        response.content[:300],
    )
    if allowed is not None:
        assert response.status_code in allowed, (response.status_code, response.content[:300])
    if 300 <= response.status_code < 400:
        location = response.headers.get("Location", "")
        assert redirect_stays_on_site(location, secure=secure), location


def quoted(value: str) -> str:
    """A URL path segment holding exactly `value` (surrogates as raw bytes)."""
    return quote(value.encode("utf-8", "surrogateescape"), safe="")


def raw_query(name: str, raw: bytes) -> str:
    """A percent-encoded query string whose value is `raw`, valid UTF-8 or not."""
    return f"{name}={quote(raw, safe='')}"


def form_errors(response) -> bool:
    """The response is the form again, with at least one error shown."""
    context = response.context
    if context is None:
        return False
    for key in ("form", "comment_form"):
        form = context.get(key)
        if form is not None and form.errors:
            return True
    return False


def check_form_post(response, *, data: dict, success=frozenset({302})) -> None:
    """A form POST either succeeds or shows the form again.

    400 with the errors next to the fields; 200 is accepted only for an empty body, which
    views written as `Form(request.POST or None)` treat as no submission at all.
    """
    check(response, allowed=set(success) | {200, 400})
    sent = {name: value for name, value in data.items() if value != []}
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert form_errors(response), "a 400 without the form and its errors"
    elif response.status_code == HTTPStatus.OK:
        assert not sent, f"a non-empty invalid POST answered 200: {data!r}"
        assert response.context is not None
        assert response.context.get("form") is not None


FIELD = st.one_of(TEXT, st.lists(TEXT, max_size=3))


TYPED = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x00\r"),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() == text and text)
