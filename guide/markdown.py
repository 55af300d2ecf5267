"""The safe Markdown subset fans write in: render, then sanitise with an allow-list.

Emphasis, strikethrough, lists, quotes, links (bare ones too), inline code and fenced
code blocks. Images are not part of the subset yet: `![alt](url)` shows as a link to
the image. Raw HTML is escaped by the parser; nh3 then removes anything outside the
allow-list, so a bug in either one alone cannot let script through.
"""

import re

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

ALLOWED_TAGS = {"p", "br", "em", "strong", "s", "ul", "ol", "li", "blockquote", "a", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Bare text that becomes a link: an address with one of these schemes, or one that starts
# with "www.", as on GitHub. Not every word with a dot in it ("notes.py", "Mr.Lee").
BARE_LINK_SCHEMES = {"http:", "https:", "mailto:"}


def _is_bare_link(found) -> bool:
    return found.schema.lower() in BARE_LINK_SCHEMES or (
        not found.schema and found.raw.lower().startswith("www.")
    )


class _BareLinks(LinkifyIt):
    """Bare addresses become links only for the schemes we link. markdown-it asks in two
    places: match() for a whole text, match_at_start() while parsing inline text."""

    def match(self, text):
        return [found for found in super().match(text) or [] if _is_bare_link(found)]

    def match_at_start(self, text):
        found = super().match_at_start(text)
        return found if found is not None and _is_bare_link(found) else None


def _mark_images_in_links(state) -> None:
    """Mark the images that sit inside a link, in one pass over the tokens: a look back
    from each image would make a body of many images quadratic."""
    for block in state.tokens:
        depth = 0
        for token in block.children or ():
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "image" and depth > 0:
                token.meta["inside_link"] = True


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """`![alt](url)` as a link to the image, its text the alt text (or the address); inside
    a link only the text, as links do not nest."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    text = escapeHtml(renderer.renderInlineAsText(token.children or [], options, env) or src)
    if token.meta.get("inside_link") or not src:  # no link inside a link, nor to nowhere
        return text
    return f'<a href="{escapeHtml(src)}">{text}</a>'


# @name of a fan: what Django lets a username hold (an "@" inside a name too, but not
# before one: an address is no mention); a name's trailing full stop ends the sentence.
# Each text names at most MAX_MENTIONS.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]*\w)")
MAX_MENTIONS = 10


def _mention_texts(tokens):
    """The plain-text tokens outside links, where a mention may be written."""
    depth = 0
    for token in tokens:
        depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "text" and depth == 0:
            yield token


def _link_mentions(state) -> None:
    """@name becomes a link to the fan's page where `env["mentions"]` knows the name
    (lowercased); any other @word stays as it was written."""
    known = state.env.get("mentions") or {}
    if not known:
        return
    for block in state.tokens:
        if not block.children:
            continue
        children, depth = [], 0
        for token in block.children:
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and depth == 0 and MENTION.search(token.content):
                children.extend(_split_mentions(token.content, known))
            else:
                children.append(token)
        block.children = children


def _split_mentions(content: str, known: dict[str, str]):
    position = 0
    for found in MENTION.finditer(content):
        url = known.get(found.group(1).lower())
        if url is None:
            continue
        before = content[position : found.start()]
        if before:
            yield _text(before)
        opening = Token("link_open", "a", 1)
        opening.attrSet("href", url)
        yield opening
        yield _text(found.group(0))
        yield Token("link_close", "a", -1)
        position = found.end()
    if position < len(content):
        yield _text(content[position:])


def _text(content: str):
    token = Token("text", "", 0)
    token.content = content
    return token


def mentioned_names(source: str) -> list[str]:
    """The names a text mentions (lowercased, first mention first, MAX_MENTIONS at
    most), outside links and code."""
    names: list[str] = []
    for block in _parser.parse(source or ""):
        for token in _mention_texts(block.children or ()):
            for found in MENTION.finditer(token.content):
                name = found.group(1).lower()
                if name not in names:
                    names.append(name)
                if len(names) == MAX_MENTIONS:
                    return names
    return names


_parser = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True}).enable(
    [
        "emphasis",
        "strikethrough",
        "list",
        "blockquote",
        "link",
        "autolink",
        "linkify",
        "image",
        "backticks",
        "fence",
        "newline",
    ]
)
_parser.linkify = _BareLinks()


def _quote_ends_at_unmarked_line(state, start_line, end_line, silent) -> bool:
    """A block quote's lines each begin with ">": asked (silently) whether a line without
    one ends the quote, this says yes. CommonMark would carry the quote on over such
    "lazy" lines, and markdown-it's way of doing so is quadratic: a 12,000-character body
    of empty list items, text and quote lines took five seconds to parse."""
    return silent


# Consulted only as a terminator of block quotes (its "alt"); it never parses a line.
_parser.block.ruler.before(
    "blockquote", "quote_ends", _quote_ends_at_unmarked_line, {"alt": ["blockquote"]}
)
_parser.core.ruler.after("inline", "images_in_links", _mark_images_in_links)
_parser.core.ruler.after("linkify", "mentions", _link_mentions)
_parser.add_render_rule("image", _image_as_link)


def render(source: str, mentions: dict[str, str] | None = None) -> str:
    """Safe HTML of `source`; `mentions` maps each mentionable name (lowercased) to the
    address its @name links to."""
    html = _parser.render(source or "", {"mentions": mentions or {}})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )


# How much plain text a theory keeps for meta tags and feeds (guide.services stores it).
EXCERPT_LENGTH = 500


def to_plain_text(source: str, limit: int = 200) -> str:
    """A short plain excerpt (unescaped: templates escape it), for meta tags and feeds."""
    words = []
    for block in _parser.parse(source or ""):
        for token in block.children or ():
            if token.type in {"text", "code_inline", "image"}:
                words.append(token.content)
            elif token.type in {"softbreak", "hardbreak"}:
                words.append(" ")
        words.append(" ")
    text = " ".join("".join(words).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
