"""Keyset ("cursor") pagination: list pages whose cost stays flat as the data grows.

A page is the `per_page` rows just after (or just before) a boundary row in the
QuerySet's order, found by comparing the ordering fields with the boundary's values: an
index range, never an OFFSET. Nothing is counted: one row more than the page is fetched
to know whether another page follows.

The QuerySet's order_by must name concrete, NOT NULL fields of its model (each
ascending or descending), the last one unique (`pk`), so that the order is total.

A cursor is the boundary row's ordering values, as JSON in URL-safe base64, followed by a
short HMAC of those values and of the ordering. So only cursors this site made are
read: a crafted one cannot make a new page for the visitors' cache, nor a cursor of one
order be read in another. Each value compares in the database exactly as the row's own:
integers and strings are themselves, floats their repr (what JSON writes, which reads
back as the same double), datetimes whole microseconds since the epoch, dates their
ordinal.

A cursor that does not verify or does not fit never raises: the page is the first one,
marked `malformed`, for the view to say so.
"""

import base64
import binascii
import datetime
import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpResponseRedirect
from django.utils.crypto import constant_time_compare, salted_hmac

AFTER, BEFORE = "after", "before"
# Addresses made before cursors: `?page=N`, still answered (see `legacy_redirect`).
LEGACY_PAGE = "page"
# The query parameters a keyset-paginated view reads (for core.pagecache's key).
QUERY_PARAMS = (AFTER, BEFORE, LEGACY_PAGE)

_SALT = "core.pagination.cursor"
_MAC_BYTES = 9  # 72 bits, 12 characters: enough to tell the site's own cursors
_MAX_CURSOR_CHARS = 400  # far above any cursor this module makes
_INTEGER_LIMIT = 2**63  # what a database integer holds
_LEGACY_PAGE_LIMIT = 10**6  # beyond any real list; keeps the OFFSET a database integer

_KINDS = {
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ),
        "int",
    ),
    "FloatField": "float",
    "DateTimeField": "datetime",
    "DateField": "date",
    **dict.fromkeys(("CharField", "SlugField", "TextField"), "str"),
}
_EPOCH_AWARE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
_MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class _Key:
    """One field of the order: how it is looked up, read from a row, and written."""

    lookup: str
    attname: str
    descending: bool
    kind: str


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None
    previous_cursor: str | None
    # The list's own first page, asked for without a cursor.
    is_first: bool
    # A cursor was given but not understood: this is the first page instead.
    malformed: bool = False

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


# The order ----------------------------------------------------------------------------


def _keys(queryset: QuerySet) -> tuple[_Key, ...]:
    """The QuerySet's order as keys; a programming error when it cannot be one."""
    query = queryset.query
    ordering = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    if not ordering:
        raise ValueError("Keyset pagination needs an ordered QuerySet.")
    opts = queryset.model._meta
    keys = []
    for item in ordering:
        if not isinstance(item, str) or item.lstrip("-") in ("", "?") or "__" in item:
            raise ValueError(f"Keyset pagination orders by the model's own fields, not {item!r}.")
        name = item.removeprefix("-")
        field = opts.pk if name == "pk" else opts.get_field(name)
        kind = _KINDS.get(field.get_internal_type())
        if kind is None or field.null:
            raise ValueError(f"Keyset pagination cannot order by {item!r}.")
        keys.append(_Key(name, field.attname, item.startswith("-"), kind))
    last = opts.pk if keys[-1].lookup == "pk" else opts.get_field(keys[-1].lookup)
    if not last.unique:
        raise ValueError("The last field of a keyset order must be unique, e.g. pk.")
    return tuple(keys)


def _order_name(queryset: QuerySet, keys: Sequence[_Key]) -> bytes:
    order = ",".join(("-" if key.descending else "") + key.lookup for key in keys)
    return f"{queryset.model._meta.label_lower}:{order}".encode()


def _beyond(keys: Sequence[_Key], values: Sequence, *, forward: bool) -> Q:
    """Rows strictly after `values` in the order (forward), or strictly before them.

    (a, b, pk) after (1, 2, 3), all descending: a < 1, or a = 1 and b < 2, or a = 1 and
    b = 2 and pk < 3. The leading a <= 1 repeats what the alternatives imply, so that the
    database starts its index scan at the boundary instead of filtering from the top.
    """
    either = Q()
    same = Q()
    for key, value in zip(keys, values, strict=True):
        smaller = key.descending == forward
        either |= same & Q(**{f"{key.lookup}__{'lt' if smaller else 'gt'}": value})
        same &= Q(**{key.lookup: value})
    first = keys[0]
    bound = "lte" if first.descending == forward else "gte"
    return Q(**{f"{first.lookup}__{bound}": values[0]}) & either


def _reversed(queryset: QuerySet, keys: Sequence[_Key]) -> QuerySet:
    return queryset.order_by(*[("" if key.descending else "-") + key.lookup for key in keys])


# Cursors ------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: bytes, order: bytes, secret) -> bytes:
    value = payload + b"\x1f" + order
    return salted_hmac(_SALT, value, secret=secret, algorithm="sha256").digest()[:_MAC_BYTES]


def sign_cursor(payload: Any, order: bytes) -> str:
    """A cursor holding `payload` (as JSON, or bytes as they are) for the order named
    `order` (see `order_name`): what pages link to, and what tests make nonsense with."""
    if isinstance(payload, bytes):
        data = payload
    else:
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
    return f"{_b64(data)}.{_b64(_mac(data, order, settings.SECRET_KEY))}"


def _verified_payload(token: str, order: bytes):
    """The JSON a cursor holds, if this site signed it for this order; else None."""
    if not isinstance(token, str) or not token.isascii() or len(token) > _MAX_CURSOR_CHARS:
        return None
    data_part, dot, mac_part = token.partition(".")
    if not dot:
        return None
    try:
        data, mac = _unb64(data_part), _unb64(mac_part)
    except (binascii.Error, ValueError):
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(mac, _mac(data, order, secret)) for secret in secrets):
        return None
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is no ordering value")


def _to_json(kind: str, value):
    if kind == "datetime":
        epoch = _EPOCH_AWARE if value.tzinfo is not None else _EPOCH_NAIVE
        return (value - epoch) // _MICROSECOND
    if kind == "date":
        return value.toordinal()
    if kind == "float":
        return float(value)
    return value


def _from_json(kind: str, value):
    """The ordering value a cursor's JSON value stands for; ValueError when it cannot."""
    if isinstance(value, bool):
        raise ValueError("a boolean is no ordering value")
    if kind == "str":
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError("not a string")
        return value
    if kind == "float":
        if not isinstance(value, float | int) or not math.isfinite(number := float(value)):
            raise ValueError("not a finite number")
        return number
    if not isinstance(value, int) or not -_INTEGER_LIMIT < value < _INTEGER_LIMIT:
        raise ValueError("not an integer a database holds")
    if kind == "datetime":
        epoch = _EPOCH_AWARE if settings.USE_TZ else _EPOCH_NAIVE
        return epoch + value * _MICROSECOND
    if kind == "date":
        return datetime.date.fromordinal(value)
    return value


def _values_of(payload, keys: Sequence[_Key]) -> list | None:
    if not isinstance(payload, list) or len(payload) != len(keys):
        return None
    try:
        return [_from_json(key.kind, value) for key, value in zip(keys, payload, strict=True)]
    except (ValueError, TypeError, OverflowError):
        return None


def _cursor_of(row, keys: Sequence[_Key], order: bytes) -> str:
    """The cursor just past `row`: a model instance, or a dict of a `.values()` QuerySet
    that holds the order's columns (no instance to build for a page of ids)."""
    read = row.__getitem__ if isinstance(row, dict) else functools.partial(getattr, row)
    return sign_cursor([_to_json(key.kind, read(key.attname)) for key in keys], order)


def order_name(queryset: QuerySet) -> bytes:
    """What a cursor of this QuerySet's order is signed for."""
    return _order_name(queryset, _keys(queryset))


# Pages --------------------------------------------------------------------------------


def keyset_page(
    queryset: QuerySet, *, per_page: int, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """The page after the `after` cursor, before the `before` cursor, or the first page
    (also when a cursor does not verify, or both are given)."""
    keys = _keys(queryset)
    order = _order_name(queryset, keys)
    if after is None and before is None:
        return _first_page(queryset, keys, order, per_page)
    values = None
    if after is None or before is None:
        values = _values_of(_verified_payload(after or before, order), keys)
    if values is None:
        page = _first_page(queryset, keys, order, per_page)
        page.malformed = True
        return page
    if after is not None:
        rows = list(queryset.filter(_beyond(keys, values, forward=True))[: per_page + 1])
        shown = rows[:per_page]
        return KeysetPage(
            items=shown,
            next_cursor=_cursor_of(shown[-1], keys, order) if len(rows) > per_page else None,
            previous_cursor=_cursor_of(shown[0], keys, order) if shown else None,
            is_first=False,
        )
    backwards = _reversed(queryset, keys).filter(_beyond(keys, values, forward=False))
    rows = list(backwards[: per_page + 1])
    shown = rows[:per_page][::-1]
    return KeysetPage(
        items=shown,
        next_cursor=_cursor_of(shown[-1], keys, order) if shown else None,
        previous_cursor=_cursor_of(shown[0], keys, order) if len(rows) > per_page else None,
        is_first=False,
    )


def _first_page(queryset, keys, order, per_page) -> KeysetPage:
    rows = list(queryset[: per_page + 1])
    shown = rows[:per_page]
    return KeysetPage(
        items=shown,
        next_cursor=_cursor_of(shown[-1], keys, order) if len(rows) > per_page else None,
        previous_cursor=None,
        is_first=True,
    )


def page_from_request(request, queryset: QuerySet, *, per_page: int) -> KeysetPage:
    """The page the request's `after` or `before` cursor asks for."""
    return keyset_page(
        queryset,
        per_page=per_page,
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
    )


def legacy_redirect(request, queryset: QuerySet, *, per_page: int) -> HttpResponseRedirect | None:
    """Where an address made before cursors, `?page=N` with N > 1, now leads; else None.

    Page N of a list ranked by votes never meant the same theories for long, and serving
    it again would need the OFFSET (and the COUNT, for its "page N of M") that cursors are
    here to avoid. So the old address costs one OFFSET query, once: it redirects, for a
    while (302, as the answer changes with the data), to the cursor page that starts
    where page N starts today, other parameters kept; past the end, to the first page.
    `?page=1` and anything that is not a page number are the first page, served as is.
    A cursor in the address wins over a page number.
    """
    raw = request.GET.get(LEGACY_PAGE, "")
    if AFTER in request.GET or BEFORE in request.GET:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) <= 1:
        return None
    query = request.GET.copy()
    for name in QUERY_PARAMS:
        query.pop(name, None)
    number = int(raw)
    if number <= _LEGACY_PAGE_LIMIT:
        keys = _keys(queryset)
        offset = (number - 1) * per_page
        for boundary in queryset[offset - 1 : offset]:  # the last row of page N - 1
            query[AFTER] = _cursor_of(boundary, keys, _order_name(queryset, keys))
    encoded = query.urlencode()
    return HttpResponseRedirect(request.path + (f"?{encoded}" if encoded else ""))
