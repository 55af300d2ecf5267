"""The front end stays small: all CSS and JS together under 30 KB before compression."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
BUDGET_BYTES = 30 * 1024


def test_css_and_js_fit_the_budget():
    files = [*STATIC.rglob("*.css"), *STATIC.rglob("*.js")]
    assert files, "no stylesheet or script found"
    assert sum(path.stat().st_size for path in files) < BUDGET_BYTES


def test_no_third_party_urls_in_static_files():
    for path in [*STATIC.rglob("*.css"), *STATIC.rglob("*.js")]:
        text = path.read_text()
        assert "http://" not in text
        assert "https://" not in text
        assert "url(//" not in text.replace(" ", "")
