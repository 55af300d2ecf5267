"""The safe Markdown subset fans write in: render, then sanitise with an allow-list.

Raw HTML is escaped by the parser; nh3 then removes anything outside the allow-list,
so a bug in either one alone cannot let script through.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_parser = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "list", "blockquote", "link", "autolink", "backticks", "newline"]
)


def render(source: str) -> str:
    html = _parser.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )


def to_plain_text(source: str, limit: int = 200) -> str:
    """A short plain excerpt (unescaped: templates escape it), for meta tags and feeds."""
    words = []
    for block in _parser.parse(source or ""):
        for token in block.children or ():
            if token.type in {"text", "code_inline"}:
                words.append(token.content)
            elif token.type in {"softbreak", "hardbreak"}:
                words.append(" ")
        words.append(" ")
    text = " ".join("".join(words).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
