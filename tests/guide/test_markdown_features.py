"""The Markdown fans write in: strikethrough, fenced code, bare links, images shown as
links, and a sanitiser that stays strict whatever the new syntax lets through."""

from html.parser import HTMLParser

import pytest

from guide import markdown
from guide.markdown import ALLOWED_TAGS, render, to_plain_text


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def links(html) -> list[tuple[str, str]]:
    return [
        (attrs.get("href"), attrs.get("rel"))
        for tag, attrs in Elements(html).elements
        if tag == "a"
    ]


def test_strikethrough():
    assert render("Nam-ra ~~dies~~ lives") == "<p>Nam-ra <s>dies</s> lives</p>\n"


def test_a_quote_is_its_marked_lines_and_ends_at_the_first_line_without_a_marker():
    html = render("> Nam-ra said it\n> twice\nand then I replied")
    assert html == (
        "<blockquote>\n<p>Nam-ra said it<br>\ntwice</p>\n</blockquote>\n<p>and then I replied</p>\n"
    )


def test_fenced_code_block_keeps_its_text_and_escapes_it():
    html = render("Before\n\n```python\nif zombie:\n    run('<now>')\n```\n\nAfter")
    assert "<pre><code>if zombie:\n    run('&lt;now&gt;')\n</code></pre>" in html
    assert "class=" not in html, "no classes: the allow-list has no attributes for code"


def test_bare_links_become_links():
    html = render("Trailer at https://example.org/aouad?s=2, and www.example.com too.")
    assert links(html) == [
        ("https://example.org/aouad?s=2", "nofollow ugc noopener"),
        ("http://www.example.com", "nofollow ugc noopener"),
    ]
    assert (
        Elements(html).text.strip()
        == "Trailer at https://example.org/aouad?s=2, and www.example.com too."
    )


def test_a_bare_link_is_read_whole_before_emphasis_can_cut_it():
    # Asterisks inside an address are part of it, not emphasis (a wiki's or a search's
    # address often has them).
    html = render("Cast list: https://example.org/cast*2*b and more")
    assert links(html) == [("https://example.org/cast*2*b", "nofollow ugc noopener")]
    assert "<em>" not in html


def test_bare_links_keep_to_the_schemes_we_link_whatever_their_case():
    html = render("HTTPS://EXAMPLE.ORG/B and MAILTO:crew@example.org, not ftp://example.org/f.")
    assert links(html) == [
        ("HTTPS://EXAMPLE.ORG/B", "nofollow ugc noopener"),
        ("MAILTO:crew@example.org", "nofollow ugc noopener"),
    ]
    # Not an anchor the sanitiser has emptied of its address: plain text.
    assert "ftp://example.org/f." in Elements(html).text
    assert html.count("<a") == 2


@pytest.mark.parametrize(("source", "text"), [("![the poster]()", "the poster"), ("![]( )", "")])
def test_an_image_without_an_address_is_its_text_not_a_link_to_nowhere(source, text):
    html = render(source)
    assert "<a" not in html
    assert Elements(html).text.strip() == text


@pytest.mark.parametrize("text", ["Season2.E1", "Mr.Lee said so", "see notes.py", "e.g. this"])
def test_words_with_dots_stay_words(text):
    assert "<a" not in render(text)


def test_an_image_is_a_plain_link_without_a_stray_bang():
    html = render("Poster: ![the new poster](https://example.org/poster.png) here")
    assert "<img" not in html
    assert "!" not in html
    assert links(html) == [("https://example.org/poster.png", "nofollow ugc noopener")]
    assert Elements(html).text.strip() == "Poster: the new poster here"


def test_an_image_without_alt_text_shows_its_address():
    html = render("![](https://example.org/a.png)")
    assert Elements(html).text.strip() == "https://example.org/a.png"


def test_an_image_inside_a_link_is_its_text_no_link_in_a_link():
    html = render("[![poster](https://example.org/p.png)](https://example.org/show)")
    assert links(html) == [("https://example.org/show", "nofollow ugc noopener")]
    assert Elements(html).text.strip() == "poster"
    # So too in a line's second link.
    html = render("[home](https://example.org/) [![poster](https://example.org/p.png)](/show)")
    rel = "nofollow ugc noopener"
    assert links(html) == [("https://example.org/", rel), ("/show", rel)]


def test_an_image_after_a_link_is_a_link_of_its_own():
    html = render("[the show](https://example.org/show) and ![poster](https://example.org/p.png)")
    rel = "nofollow ugc noopener"
    assert links(html) == [("https://example.org/show", rel), ("https://example.org/p.png", rel)]


HOSTILE = [
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '![x" onerror="alert(1)](https://example.org/x.png)',
    '![x](https://example.org/x.png "title" onerror=alert(1))',
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "javascript:alert(1) and vbscript:msgbox(1)",
    "www.example.com/<script>alert(1)</script>",
    'https://example.org/"onmouseover=alert(1)',
    "~~<script>alert(1)</script>~~",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "```js onload=alert(1)\nx\n```",
    "~~~\n<img src=x onerror=alert(1)>\n~~~",
    "<s onclick=alert(1)>x</s>",
    "<pre style=x>y</pre>",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_in_the_new_syntax_is_harmless(source):
    html = render(source)
    for tag, attrs in Elements(html).elements:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= {"href", "rel"}, (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert href.startswith(("http://", "https://", "mailto:")) or not href, href
    assert "<script" not in html
    assert "<img" not in html


SUBSET = {"p", "br", "em", "strong", "s", "ul", "ol", "li", "blockquote", "a", "code", "pre"}


def test_the_allow_list_is_still_small():
    assert ALLOWED_TAGS == SUBSET


def test_plain_text_excerpt_has_no_markup_from_the_new_syntax():
    text = to_plain_text("~~Old~~ news: ![poster](https://example.org/p.png)\n\n```\ncode\n```")
    assert "~" not in text
    assert "!" not in text
    assert "Old news" in text


def test_mentions_are_found_in_text_but_not_in_code_links_or_addresses():
    source = "Hi @Ana_1, @ana_1 and @bo.\n`@code` [@link](https://x.org) mail me@ex.org @c-d"
    assert markdown.mentioned_names(source) == ["ana_1", "bo", "c-d"]


def test_a_text_names_a_bounded_number_of_fans():
    source = " ".join(f"@fan{n}" for n in range(markdown.MAX_MENTIONS + 5))
    assert len(markdown.mentioned_names(source)) == markdown.MAX_MENTIONS


def test_only_known_names_become_links_to_where_they_lead():
    html = markdown.render("@Ana and @bo", {"ana": "/u/Ana/"})
    assert html == '<p><a href="/u/Ana/" rel="nofollow ugc noopener">@Ana</a> and @bo</p>\n'
    assert markdown.render("@Ana", None) == "<p>@Ana</p>\n"


def test_a_mention_after_a_link_is_one_and_a_name_inside_the_link_is_not():
    source = "[@Ana on the wiki](https://x.org) then @Ana"
    html = markdown.render(source, {"ana": "/u/Ana/"})
    assert html == (
        '<p><a href="https://x.org" rel="nofollow ugc noopener">@Ana on the wiki</a> then '
        '<a href="/u/Ana/" rel="nofollow ugc noopener">@Ana</a></p>\n'
    )
    assert markdown.mentioned_names(source) == ["ana"]
    # Nor in a line's second link.
    source = "[home](https://x.org) [@Ana](https://x.org/a)"
    assert markdown.render(source, {"ana": "/u/Ana/"}).count("<a ") == 2
    assert markdown.mentioned_names(source) == []


def test_text_around_mentions_is_kept_whole_and_unknown_names_do_not_stop_the_rest():
    html = markdown.render("Hi @bo, meet @Ana and @Cy!", {"ana": "/u/Ana/", "cy": "/u/Cy/"})
    assert html == (
        '<p>Hi @bo, meet <a href="/u/Ana/" rel="nofollow ugc noopener">@Ana</a> and '
        '<a href="/u/Cy/" rel="nofollow ugc noopener">@Cy</a>!</p>\n'
    )
