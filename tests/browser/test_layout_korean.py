"""Korean text never breaks inside a word, long tokens still wrap, and the font stack
names fonts that have Hangul on common systems."""

import pytest
from django.urls import reverse

from guide import demo, services
from guide.models import Season, Show, Theory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"viewport": {"width": 360, "height": 640}}
KOREAN = {"locale": "ko-KR", "extra_http_headers": {"Accept-Language": "ko"}}
HANGUL_FONTS = ["Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", "Noto Sans CJK KR"]

# Each Hangul word of each visible text node, measured with Range.getClientRects(): a word
# whose boxes sit on more than one line was broken inside.
BROKEN_WORDS = """() => {
  const hangul = /[\\uAC00-\\uD7A3]/;
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || !parent.getClientRects().length) continue;
    if (parent.closest("script, style, select, textarea, .visually-hidden")) continue;
    for (const word of node.data.matchAll(/\\S+/g)) {
      if (!hangul.test(word[0])) continue;
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      // Boxes of one line overlap vertically (fallback fonts may differ by a pixel or two).
      const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
      const tops = boxes.map((r) => r.top);
      const height = Math.min(...boxes.map((r) => r.height));
      if (Math.max(...tops) - Math.min(...tops) > height / 2) broken.push(word[0]);
    }
  }
  return broken;
}"""


def korean_pages() -> dict[str, str]:
    show = Show.objects.get(slug=demo.SHOW_SLUG)
    season = Season.objects.get(show=show, number=2)
    theory = Theory.objects.filter(season=season, spoiler_season=None).order_by("pk").first()
    return {
        "home": reverse("guide:home"),
        "season guide": season.get_absolute_url(),
        "theory list": reverse("guide:theory_list"),
        "theory": theory.get_absolute_url(),
        "show": show.get_absolute_url(),
        "sign-up": reverse("accounts:signup"),
    }


def test_no_hangul_word_is_broken_across_lines_at_360px(new_context):
    context = new_context(**PHONE, **KOREAN)
    page = context.new_page()
    broken = {}
    for name, url in korean_pages().items():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "ko"
        if words := page.evaluate(BROKEN_WORDS):
            broken[name] = words
    assert broken == {}, "Hangul words split across two lines"
    assert context.watch.errors == []


def test_long_tokens_still_wrap_instead_of_widening_the_page(new_context):
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    theory = services.post_theory(
        author=UserFactory(username="long_words"),
        season=season,
        title="남라" * 40,
        body="https://example.org/" + "a" * 200 + "\n\n" + "청산이살아있다" * 30,
    )
    context = new_context(**PHONE, **KOREAN)
    page = context.new_page()
    for url in (theory.get_absolute_url(), reverse("guide:theory_list") + "?sort=new"):
        page.goto(url)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width, url


def test_text_keeps_words_whole_and_names_hangul_fonts(new_context):
    page = new_context(**KOREAN).new_page()
    page.goto(reverse("guide:home"))
    style = page.evaluate(
        """() => {
          const s = getComputedStyle(document.body);
          return {wordBreak: s.wordBreak, overflowWrap: s.overflowWrap, font: s.fontFamily};
        }"""
    )
    assert style["wordBreak"] == "keep-all"
    assert style["overflowWrap"] == "anywhere"
    families = [name.strip().strip('"') for name in style["font"].split(",")]
    assert all(font in families for font in HANGUL_FONTS), families
    assert families[-1] == "sans-serif"
