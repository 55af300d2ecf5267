"""The safe Markdown subset fans write in: render, then sanitise with an allow-list.

Emphasis, strikethrough, lists, quotes, links (bare ones too), inline code and fenced
code blocks. Images are not part of the subset yet: `![alt](url)` shows as a link to
the image. Raw HTML is escaped by the parser; nh3 then removes anything outside the
allow-list, so a bug in either one alone cannot let script through.
"""

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

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
_parser.core.ruler.after("inline", "images_in_links", _mark_images_in_links)
_parser.add_render_rule("image", _image_as_link)


def render(source: str) -> str:
    html = _parser.render(source or "")
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
