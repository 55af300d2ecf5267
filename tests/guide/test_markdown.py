import pytest

from guide.markdown import render, to_plain_text
from tests.kit.html import Page

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil></iframe>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
]


def elements_of(html):
    return [(element.tag, element.attrs) for element in Page(html).elements]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_is_rendered_harmless(source):
    for tag, attrs in elements_of(render(source)):
        assert tag in {"p", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "br"}
        assert not [name for name in attrs if name.startswith("on") or name in {"style", "src"}]
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))


def test_allowed_subset_is_kept():
    html = render("*em* **strong**\n\n- one\n- two\n\n> quoted\n\n[site](https://example.org)")
    assert "<em>em</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert 'href="https://example.org"' in html


def test_links_carry_rel_nofollow_ugc_noopener():
    assert 'rel="nofollow ugc noopener"' in render("[a](https://example.org)")


def test_headings_and_images_are_not_part_of_the_subset():
    html = render("# Big\n\n![alt](https://example.org/x.png)")
    assert "<h1" not in html
    assert "<img" not in html


def test_plain_text_excerpt_is_short_and_markup_free():
    text = to_plain_text("*Hello* [world](https://example.org)\n\n- a\n- b", limit=12)
    assert text.startswith("Hello world")
    assert len(text) <= 12
    assert "*" not in text
    assert "[" not in text
