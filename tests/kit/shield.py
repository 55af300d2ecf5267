"""Reading a page the way a reader who opens no reveal sees it.

`open_part(html)` is the page's markup with the contents of every closed spoiler reveal
(`<details class="spoiler">` without `open`) cut out. Everything else stays as it was:
the <head>, attributes, scripts and JSON-LD, so a search of what is left finds text in
any of them. `head_part(html)` is the <head> alone, which link previews read whatever
the reader has watched.
"""

import re
from html.parser import HTMLParser


class _Cutter(HTMLParser):
    """Copies the source, skipping what lies inside closed spoiler reveals."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self._source = html
        # Where each line starts, for getpos(): found by the regex engine, as a loop over
        # every character took half the time of cutting a page.
        self._line_starts = [0, *(newline.end() for newline in re.finditer("\n", html))]
        self._kept: list[str] = []
        self._cut_from: int | None = None
        self._depth = 0  # open <details> elements inside the cut, including its own
        self._last = 0
        self.reveals = 0
        self.feed(html)
        self.close()
        self._kept.append(html[self._last :] if self._cut_from is None else "")

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag != "details":
            return
        if self._cut_from is not None:
            self._depth += 1
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if "spoiler" in classes and "open" not in attrs:
            end_of_tag = self._offset() + len(self.get_starttag_text())
            self._kept.append(self._source[self._last : end_of_tag])
            self._cut_from = end_of_tag
            self._depth = 1
            self.reveals += 1

    def handle_endtag(self, tag):
        if tag != "details" or self._cut_from is None:
            return
        self._depth -= 1
        if self._depth == 0:
            self._last = self._offset()
            self._cut_from = None


def open_part(html: str) -> str:
    """The page minus the contents of its closed spoiler reveals."""
    return "".join(_Cutter(html)._kept)


def closed_reveals(html: str) -> int:
    return _Cutter(html).reveals


def head_part(html: str) -> str:
    start, end = html.find("<head>"), html.find("</head>")
    assert start != -1, "the page has a <head>"
    assert end != -1, "the page has a </head>"
    return html[start:end]
