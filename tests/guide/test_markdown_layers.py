"""Fans' Markdown passes two sanitising layers, and each one is tested on its own here.

1. The parser (markdown-it, raw HTML off) turns any HTML a fan types into text, and
   refuses links to scripting schemes: what the fan typed is shown, as typed.
2. The allow-list (nh3) removes what the parser does produce but the site does not
   allow: links to other schemes, attributes outside the list; it adds rel to links.

Every test also checks what is kept, so an empty rendering never passes.
"""

from unittest.mock import patch

import pytest

from guide import markdown
from guide.markdown import render
from tests.kit.html import Page, squash

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a", "code"}


def tags_of(html: str) -> list[str]:
    return [element.tag for element in Page(html).elements]


def links_of(html: str) -> list[dict[str, str]]:
    return [element.attrs for element in Page(html).elements if element.tag == "a"]


# Layer 1: the parser's escaping -------------------------------------------------------------

RAW_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil></iframe>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    "<b>bold</b> and <i>italic</i>",
    "<p onclick=alert(1)>paragraph</p>",
    "Before <!-- a comment --> after",
]


@pytest.mark.parametrize("source", RAW_HTML)
def test_html_a_fan_types_is_shown_as_the_text_they_typed(source):
    html = render(source)
    assert tags_of(html) == ["p"], html
    assert Page(html).text == squash(source)


def test_html_inside_code_is_shown_as_code():
    html = render("Use `<b>` for bold")
    assert tags_of(html) == ["p", "code"]
    assert Page(html).text == "Use <b> for bold"


SCRIPTING_LINKS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
]


@pytest.mark.parametrize("source", SCRIPTING_LINKS)
def test_links_to_scripting_schemes_stay_plain_text(source):
    html = render(source)
    assert links_of(html) == []
    assert Page(html).text == squash(source)


# Layer 2: the allow-list ---------------------------------------------------------------------

# Links the parser accepts (its own list only refuses scripting schemes) but the site's
# allow-list does not: the link text stays, the address goes.
OTHER_SCHEMES = [
    ("[the picture](data:image/png;base64,iVBORw0KGgo=)", "the picture"),
    ("[files](ftp://example.org/file)", "files"),
    ("[call me](tel:+821012345678)", "call me"),
    ("[chat](irc://irc.example.org/aoaad)", "chat"),
    ("<ftp://example.org/file>", "ftp://example.org/file"),
]


@pytest.mark.parametrize(("source", "text"), OTHER_SCHEMES)
def test_links_to_schemes_outside_the_allow_list_lose_their_address(source, text):
    html = render(source)
    links = links_of(html)
    assert len(links) == 1, html
    assert "href" not in links[0]
    assert Page(html).text == text


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[site](https://example.org/a?b=1)", "https://example.org/a?b=1"),
        ("[plain](http://example.org/)", "http://example.org/"),
        ("<mailto:fan@example.org>", "mailto:fan@example.org"),
        ("<https://example.org>", "https://example.org"),
    ],
)
def test_links_to_allowed_schemes_keep_their_address_and_get_rel(source, href):
    (link,) = links_of(render(source))
    assert link["href"] == href
    assert link["rel"].split() == ["nofollow", "ugc", "noopener"]


def test_attributes_outside_the_allow_list_are_dropped():
    # The parser numbers an ordered list from where the fan started it.
    html = render("3. three\n4. four")
    (ordered,) = [element for element in Page(html).elements if element.tag == "ol"]
    assert ordered.attrs == {}
    assert Page(html).text == "three four"


def test_tags_the_parser_does_not_make_today_are_removed_with_their_text_kept():
    """Should the parser ever make more (headings, pictures or tables turned on), the
    allow-list still lets through only the site's tags."""
    more = (
        '<h1>Heading</h1><img src="https://example.org/p.png" alt="picture">'
        "<table><tr><td>cell</td></tr></table><div><p>kept</p></div>"
    )
    with patch.object(markdown._parser, "render", return_value=more):
        html = render("anything")
    assert html == "Headingcell<p>kept</p>"


# Both together ---------------------------------------------------------------------------------


@pytest.mark.parametrize("source", RAW_HTML + SCRIPTING_LINKS + [s for s, _ in OTHER_SCHEMES])
def test_hostile_input_renders_harmless_and_not_empty(source):
    html = render(source)
    assert Page(html).text, "the fan's text must be kept"
    for element in Page(html).elements:
        assert element.tag in ALLOWED_TAGS
        assert not [name for name in element.attrs if name.startswith("on")]
        assert "style" not in element.attrs
        assert "src" not in element.attrs
        href = element.attrs.get("href", "").strip().lower()
        assert not href or href.startswith(("https:", "http:", "mailto:")), href


def test_the_markdown_subset_still_renders():
    html = render("*em* **strong**\n\n- one\n- two\n\n> quoted\n\nline  \nbreak")
    assert tags_of(html) == ["p", "em", "strong", "ul", "li", "li", "blockquote", "p", "p", "br"]
    assert Page(html).text == "em strong one two quoted line break"


@pytest.mark.parametrize("source", ["", None])
def test_no_text_renders_as_nothing(source):
    assert render(source) == ""
