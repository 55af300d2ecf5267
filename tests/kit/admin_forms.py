"""What a browser sends back from an admin page's form, read from the page itself.

Tests that save admin forms "as the editor would" post exactly the fields the page
rendered, with the values it showed: whatever a new field or inline adds is covered
without touching the tests.
"""

from html.parser import HTMLParser

_NOT_SENT = {"submit", "button", "image", "reset", "file"}


class _FormReader(HTMLParser):
    """Collects the successful controls of one <form>, as a browser would submit them."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.found = False
        self.fields: dict[str, list[str]] = {}
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = self.found = True
        if not self.in_form:
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "select" and "disabled" not in attrs:
            self._select = {
                "name": attrs.get("name"),
                "multiple": "multiple" in attrs,
                "options": [],
            }
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and "disabled" not in attrs:
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def _input(self, attrs: dict) -> None:
        kind = attrs.get("type", "text").lower()
        name = attrs.get("name")
        if not name or kind in _NOT_SENT or "disabled" in attrs:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self._add(name, attrs.get("value") or "on")
            return
        self._add(name, attrs.get("value") or "")

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._end_select()
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            text = self._textarea["text"]
            self._add(self._textarea["name"], text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def _end_select(self) -> None:
        select, self._select = self._select, None
        options = select["options"]
        chosen = [option for option in options if option["selected"]]
        if not chosen and options and not select["multiple"]:
            chosen = options[:1]  # a single select always sends something
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"]
            self._add(select["name"], value)


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    """The name/values pairs the form with this id would submit, without any button."""
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.found, f'no <form id="{form_id}"> on the page'
    return reader.fields


def change_form_fields(response) -> dict[str, list[str]]:
    """What the admin add or change page in this response would submit on "Save"."""
    model_name = response.context["opts"].model_name
    return form_fields(response.text, f"{model_name}_form") | {"_save": ["Save"]}
