"""Reading a page the way the tests need it: one parser, several views of the same page.

`Page(response_or_html)` reads the whole document once and keeps every start tag with
its attributes, the text inside a few elements, the forms and where each piece of text
sits (in <head>, in a script, inside a spoiler shield). The properties and methods below
are views of that one reading.
"""

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus

# Elements whose own text a test reads (none of them nests inside itself).
TEXT_ELEMENTS = {"a", "button", "h1", "option", "script", "style", "textarea", "title"}
# Attributes whose text a reader (or a screen reader) meets, counted as page text.
TEXT_ATTRIBUTES = ("title", "alt", "aria-label")
FORM_CONTROLS = {"input", "select", "textarea", "button"}


def squash(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return " ".join(text.split())


@dataclass
class Element:
    """A start tag: its name, its attributes (a bare attribute reads as "") and, for the
    elements in TEXT_ELEMENTS, the text inside it."""

    tag: str
    attrs: dict[str, str]
    in_head: bool = False
    in_spoiler: bool = False
    text: str = ""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Form:
    action: str
    method: str
    classes: list[str]
    in_spoiler: bool  # inside a <details class="spoiler">
    in_prompt: bool  # inside the <aside class="watch-prompt">
    controls: list[Element] = field(default_factory=list)
    options: dict[str, list[Option]] = field(default_factory=dict)

    @property
    def inputs(self) -> dict[str, str | None]:
        """Each named <input> and <select>, with its value attribute (None without one)."""
        return {
            control.attrs["name"]: control.attrs.get("value")
            for control in self.controls
            if control.tag in ("input", "select") and control.attrs.get("name")
        }

    @property
    def fields(self) -> dict[str, str]:
        """Each named <input> with its value ("" without one): what the form posts as is."""
        return {
            control.attrs["name"]: control.attrs.get("value", "")
            for control in self.controls
            if control.tag == "input" and control.attrs.get("name")
        }

    @property
    def button_labels(self) -> list[str]:
        return [squash(control.text) for control in self.controls if control.tag == "button"]

    def selected(self, select: str) -> list[str]:
        return [option.value for option in self.options[select] if option.selected]


@dataclass
class _Chunk:
    text: str
    in_spoiler: bool
    hidden: bool = False  # script or style content, or the <title>
    from_attribute: bool = False


class Page(HTMLParser):
    """One page (a response, or HTML text), read once."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        html = source if isinstance(source, str) else source.content.decode()
        self.lang: str | None = None
        self.elements: list[Element] = []
        self.forms: list[Form] = []
        self.navs: list[tuple[str, list[Element]]] = []  # (aria-label, its links)
        self._chunks: list[_Chunk] = []
        self._head_pieces: list[str] = []
        self._open: dict[str, Element] = {}
        self._in_head = False
        self._details: list[bool] = []  # per open <details>: is it a spoiler shield?
        self._asides: list[bool] = []  # per open <aside>: is it the watch prompt?
        self._form: Form | None = None
        self._select: str | None = None
        self._nav: list[Element] | None = None
        self.feed(html)
        self.close()

    # Parsing ------------------------------------------------------------------------

    @property
    def _shielded_now(self) -> bool:
        return any(self._details)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        element = Element(tag, attrs, in_head=self._in_head, in_spoiler=self._shielded_now)
        self.elements.append(element)
        self._enter(element)
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self._chunks.append(_Chunk(attrs[name], self._shielded_now, from_attribute=True))

    def _enter(self, element: Element) -> None:
        tag, attrs = element.tag, element.attrs
        if tag in TEXT_ELEMENTS:
            self._open[tag] = element
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "head":
            self._in_head = True
        elif tag == "meta":
            name, prop = attrs.get("name", ""), attrs.get("property", "")
            if name == "description" or prop.startswith("og:") or name.startswith("twitter:"):
                self._head_pieces.append(attrs.get("content", ""))
        elif tag == "details":
            self._details.append("spoiler" in element.classes)
        elif tag == "aside":
            self._asides.append("watch-prompt" in element.classes)
        elif tag == "nav":
            self._nav = []
            self.navs.append((attrs.get("aria-label", ""), self._nav))
        elif tag == "a" and self._nav is not None:
            self._nav.append(element)
        elif tag == "form":
            self._form = Form(
                action=attrs.get("action", ""),
                method=attrs.get("method", "get").lower(),
                classes=element.classes,
                in_spoiler=self._shielded_now,
                in_prompt=any(self._asides),
            )
            self.forms.append(self._form)
        if self._form is not None and tag in FORM_CONTROLS:
            self._form.controls.append(element)
            if tag == "select":
                self._select = attrs.get("name", "")
                self._form.options[self._select] = []

    def handle_endtag(self, tag):
        element = self._open.pop(tag, None)
        if tag == "head":
            self._in_head = False
        elif tag == "details" and self._details:
            self._details.pop()
        elif tag == "aside" and self._asides:
            self._asides.pop()
        elif tag == "nav":
            self._nav = None
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and element is not None and self._select is not None:
            self._form.options[self._select].append(
                Option(
                    value=element.attrs.get("value", ""),
                    label=squash(element.text),
                    selected="selected" in element.attrs,
                )
            )
        if element is not None and (
            (tag == "title" and element.in_head) or self._is_json_ld(element)
        ):
            self._head_pieces.append(element.text)

    def handle_data(self, data):
        for element in self._open.values():
            element.text += data
        hidden = any(tag in self._open for tag in ("script", "style", "title"))
        self._chunks.append(_Chunk(data, self._shielded_now, hidden=hidden))

    @staticmethod
    def _is_json_ld(element: Element) -> bool:
        return element.tag == "script" and element.attrs.get("type") == "application/ld+json"

    # The page's text ------------------------------------------------------------------

    @property
    def text(self) -> str:
        """What a reader sees: the text outside scripts, styles and the <title>."""
        return squash(
            " ".join(c.text for c in self._chunks if not c.hidden and not c.from_attribute)
        )

    @property
    def source_text(self) -> str:
        """Every bit of text in the document, as if the tags were deleted (scripts and
        the <title> included)."""
        return squash("".join(c.text for c in self._chunks if not c.from_attribute))

    @property
    def shielded_text(self) -> str:
        """All text inside <details class="spoiler">, with title, alt and aria-label."""
        return squash("".join(c.text for c in self._chunks if c.in_spoiler))

    @property
    def open_text(self) -> str:
        """All text outside every spoiler shield, with title, alt and aria-label."""
        return squash("".join(c.text for c in self._chunks if not c.in_spoiler))

    @property
    def head_text(self) -> str:
        """What previews and search engines read: <title>, the meta description, og:* and
        twitter:* contents, and JSON-LD (read as data: it escapes <, > and &)."""
        parts = []
        for piece in self._head_pieces:
            try:
                parts.append(json.dumps(json.loads(piece), ensure_ascii=False))
            except ValueError:
                parts.append(piece)
        return squash(" ".join(parts))

    @property
    def h1(self) -> list[str]:
        return [squash(element.text) for element in self.find_all("h1")]

    # Elements ---------------------------------------------------------------------------

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements with this tag (any, if None) whose attributes have these values."""
        return [
            element
            for element in self.elements
            if (tag is None or element.tag == tag)
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    @property
    def scripts(self) -> list[Element]:
        return self.find_all("script")

    @property
    def inputs(self) -> list[Element]:
        return self.find_all("input")

    @property
    def hrefs(self) -> list[str]:
        """Where the page's <a> elements lead."""
        return [element.attrs.get("href", "") for element in self.find_all("a")]

    def field(self, name: str) -> Element:
        """The form field (input, textarea or select) called `name`."""
        for element in self.elements:
            if element.tag in ("input", "textarea", "select") and element.attrs.get("name") == name:
                return element
        raise AssertionError(f"no field named {name!r}")

    def nav_links(self, index: int = 0) -> list[str]:
        """The link texts of the page's index-th <nav> (the header's comes first)."""
        assert len(self.navs) > index, "page has too few <nav> elements"
        return [squash(link.text) for link in self.navs[index][1]]

    # <head> ------------------------------------------------------------------------------

    @property
    def titles(self) -> list[str]:
        return [element.text for element in self.find_all("title") if element.in_head]

    @property
    def title(self) -> str:
        assert self.titles, "page has no <title>"
        return self.titles[0]

    @property
    def metas(self) -> list[dict[str, str]]:
        return [element.attrs for element in self.find_all("meta") if element.in_head]

    def meta(self, key: str) -> list[str]:
        """The contents of every head <meta> whose name or property is `key`."""
        return [
            m.get("content", "") for m in self.metas if key in (m.get("name"), m.get("property"))
        ]

    def one_meta(self, key: str) -> str:
        values = self.meta(key)
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def head_links(self, rel: str) -> list[dict[str, str]]:
        return [element.attrs for element in self.find_all("link", rel=rel) if element.in_head]

    def canonical(self) -> list[str]:
        return [link.get("href", "") for link in self.head_links("canonical")]

    @property
    def head_scripts(self) -> list[Element]:
        return [element for element in self.scripts if element.in_head]

    def json_ld(self) -> list[dict]:
        """Every JSON-LD block in <head>, parsed."""
        return [json.loads(s.text) for s in self.head_scripts if self._is_json_ld(s)]

    # Forms ----------------------------------------------------------------------------------

    def form(self, action: str) -> Form:
        matches = [form for form in self.forms if form.action == action]
        assert matches, f"no form posting to {action}"
        return matches[0]

    def prompt_forms(self) -> list[Form]:
        """Forms inside the watch prompt ("how far have you watched?")."""
        return [form for form in self.forms if form.in_prompt]

    def spoiler_forms(self) -> list[Form]:
        """Forms inside a spoiler shield ("I've seen it")."""
        return [form for form in self.forms if form.in_spoiler]


# What fans type to try to run script on the site, in every form that takes text.
SCRIPT_PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
]


# Assertions on pages --------------------------------------------------------------------------


def assert_field_error(response, field_name: str, text: str | None = None) -> None:
    """The form came back as a 400, the field marked invalid, with `text` on the page."""
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.status_code
    element = Page(response).field(field_name)
    assert element.attrs.get("aria-invalid") == "true", (field_name, element.attrs)
    if text is not None:
        assert text in response.content.decode()


def assert_no_injection(response) -> None:
    """Nothing a fan typed became markup that runs: no handlers, no javascript: URLs, no
    scripts but the site's own, no way out of an inline data block."""
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    page = Page(response)
    for element in page.elements:
        tag, attrs = element.tag, element.attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), (tag, attrs)
        if tag == "script" and attrs.get("type") != "application/ld+json":
            # Executable scripts: only our own, loaded from static files.
            assert attrs.get("src", "").startswith("/static/"), attrs
    # Inline data blocks (JSON-LD) must not be broken out of: no "</" inside.
    assert all("</" not in script.text for script in page.scripts)
    assert "<script>alert" not in response.content.decode()


def page_of(response) -> Page:
    """The page of a response that must be a 200."""
    assert response.status_code == HTTPStatus.OK, response
    return Page(response)


def assert_shielded(page: Page, text: str) -> None:
    """`text` is on the page only inside spoiler shields."""
    text = squash(text)
    assert text in page.shielded_text, f"{text!r} should be inside a spoiler shield"
    assert text not in page.open_text, f"{text!r} leaks outside the spoiler shield"


def assert_open(page: Page, text: str) -> None:
    """`text` is on the page, and never inside a spoiler shield."""
    text = squash(text)
    assert text in page.open_text, f"{text!r} should be shown openly"
    assert text not in page.shielded_text, f"{text!r} is shielded although the reader watched it"
