"""Rendered fragments shared by every reader: a piece a page repeats (a theory's card),
rendered once and kept in the shared cache, for signed-in fans as for visitors.

Whole pages are cached for visitors only (core.pagecache); a signed-in fan's page is
rendered for them alone, and the pieces it repeats are what make it heavy. Each piece
is kept under a key that holds everything in which two readers' copies may differ
(language, spoiler flags, the reader's own vote, a count), built by the caller from
values it already has. What the piece shows beyond that is named by topics
(core.freshness), as for whole pages: a stored piece keeps the versions its topics and
freshness.SITE had when it was rendered and is used only while none of them has moved.
Keys and versions for a whole list come in one cache call.

The two per-request values a piece may hold, the CSRF token and the address of the page
it is on (forms send the reader back there, as `here`), are rendered as random
placeholders, new for each render, and put in for each page. Text a fan wrote cannot
know them. On a page shared with fans, a piece may hold holes for what is each fan's own
(core.pagecache.personal); they are kept with the piece and opened again on each page it
goes on, so its key need not hold the reader's own parts.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core import freshness, pagecache

# Versions guard freshness; the lifetime only bounds how long an unused piece stays.
FRAGMENT_SECONDS = 600
_PREFIX = f"fragment:{pagecache.STORED_FORMAT}:"


@dataclass(frozen=True)
class Fragment:
    """One piece to render: its key, the topics it shows, and what its template reads."""

    key: str
    topics: tuple[str, ...]
    context: dict


def render_many(
    context: Context, template_name: str, fragments: list[Fragment]
) -> list[SafeString]:
    """Each fragment rendered with `template_name` inside `context`, from the cache where
    a fresh copy is kept, in order."""
    if not fragments:
        return []
    topics = {freshness.SITE, *(topic for fragment in fragments for topic in fragment.topics)}
    keys = [_PREFIX + fragment.key for fragment in fragments]
    found = cache.get_many([*keys, *freshness.keys_of(topics)])
    current = freshness.from_cache_values(topics, found)
    template = context.template.engine.get_template(template_name)
    token = conditional_escape(context.get("csrf_token") or "")
    here = conditional_escape(context.get("here") or "")
    request = context.get("request")
    pieces, rendered = [], {}
    for key, fragment in zip(keys, fragments, strict=True):
        entry = found.get(key)
        if entry is None or not _fresh(entry["versions"], current):
            entry = _render(context, template, fragment, current)
            rendered[key] = entry

        def on_this_page(html: str, entry=entry) -> str:
            return html.replace(entry["token"], token).replace(entry["here"], here)

        html = on_this_page(entry["html"])
        for placeholder, chooser, hole_key, variants in entry["holes"]:
            variants = {name: on_this_page(variant) for name, variant in variants.items()}
            hole = pagecache.personal(request, chooser, hole_key, variants)
            if hole is None:
                raise ValueError("A piece with holes goes only on pages shared with fans.")
            html = html.replace(placeholder, hole)
        pieces.append(mark_safe(html))  # noqa: S308 - rendered by the template engine
    if rendered:
        cache.set_many(rendered, FRAGMENT_SECONDS)
    return pieces


def _fresh(recorded: dict, current: dict) -> bool:
    return all(current.get(topic) == version for topic, version in recorded.items())


def _render(context: Context, template, fragment: Fragment, current: dict) -> dict:
    token, here = secrets.token_hex(16), "/" + secrets.token_hex(16)
    with (
        context.push(**fragment.context, csrf_token=token, here=here),
        pagecache.holes_kept_apart(context.get("request")) as holes,
    ):
        html = template.render(context)
    versions = {topic: current[topic] for topic in (freshness.SITE, *fragment.topics)}
    return {
        "html": str(html),
        "token": token,
        "here": here,
        "holes": holes or [],
        "versions": versions,
    }
