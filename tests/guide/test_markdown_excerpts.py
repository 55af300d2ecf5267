"""Plain-text excerpts of fans' Markdown, for meta descriptions and feeds: the words as a
reader reads them, without markup, cut to a length."""

import pytest

from guide.markdown import to_plain_text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("", ""),
        (None, ""),
        ("Use `npm install` first", "Use npm install first"),
        ("un*believ*able and **very** good", "unbelievable and very good"),
        ("line one\nline two", "line one line two"),  # a soft break is a space
        ("line one  \nline two", "line one line two"),  # so is a hard one
        ("> quoted\n\n- one\n- two", "quoted one two"),
        ("[the link text](https://example.org)", "the link text"),
        ("See ![the gym map](https://example.org/map.png) first", "See the gym map first"),
        ("<b>typed HTML</b>", "<b>typed HTML</b>"),  # shown as typed; templates escape it
    ],
)
def test_excerpt_is_the_text_a_reader_reads(source, text):
    assert to_plain_text(source) == text


def test_excerpt_is_cut_at_200_characters_by_default():
    words = " ".join(["zombie"] * 100)  # 699 characters
    excerpt = to_plain_text(words)
    assert len(excerpt) == 200
    assert excerpt.endswith("…")
    assert words.startswith(excerpt[:-1].rstrip())
    assert to_plain_text(words[:200]) == words[:200]


def test_a_limit_cuts_at_that_length_without_trailing_space():
    assert to_plain_text("one two three four", limit=9) == "one two…"
