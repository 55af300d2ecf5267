"""Layout: on a 360 x 640 phone the header and the watch prompt take at most a quarter
of the first screen; on every form labels sit above their fields, the theory title is
as wide as the form, and deleting the account is a danger button."""

import pytest
from django.urls import reverse

from guide import demo
from guide.models import Comment, Season, Show, Theory
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"viewport": {"width": 360, "height": 640}}
KOREAN = {"locale": "ko-KR", "extra_http_headers": {"Accept-Language": "ko"}}
QUARTER_OF_THE_SCREEN = 640 / 4
FAN = "layout_fan"

HEADER_AND_PROMPT = """() => {
  const header = document.querySelector(".site-header").getBoundingClientRect();
  const prompt = document.querySelector(".watch-prompt");
  return {header: header.height, prompt: prompt ? prompt.getBoundingClientRect().height : null};
}"""


def log_in(page, username: str) -> None:
    """Through the login form, in whichever language the page speaks."""
    page.goto(reverse("accounts:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def prompted_pages() -> dict[str, str]:
    """Pages that ask a new reader how far they have watched."""
    show = Show.objects.get(slug=demo.SHOW_SLUG)
    season = Season.objects.get(show=show, number=2)
    theory = Theory.objects.filter(season=season, spoiler_season=None).order_by("pk").first()
    return {
        "home": reverse("guide:home"),
        "season guide": season.get_absolute_url(),
        "show": show.get_absolute_url(),
        "theory": theory.get_absolute_url(),
    }


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("who", ["visitor", "fan"])
def test_header_and_watch_prompt_fit_in_a_quarter_of_a_phone_screen(new_context, language, who):
    context = new_context(**PHONE, **(KOREAN if language == "ko" else {}))
    page = context.new_page()
    if who == "fan":
        UserFactory(username=FAN)
        log_in(page, FAN)
    too_tall = {}
    for name, url in prompted_pages().items():
        page.goto(url)
        sizes = page.evaluate(HEADER_AND_PROMPT)
        assert sizes["prompt"], f"{name}: a new reader is asked how far they have watched"
        if sizes["header"] + sizes["prompt"] > QUARTER_OF_THE_SCREEN:
            too_tall[name] = sizes
    assert too_tall == {}, f"header + watch prompt over {QUARTER_OF_THE_SCREEN}px at 360x640"


# Every control of a form with a visible label: where is the label?
LABEL_PLACES = """() => {
  const misplaced = [];
  for (const label of document.querySelectorAll("form label[for]")) {
    const control = document.getElementById(label.htmlFor);
    if (!control || ["checkbox", "radio", "hidden"].includes(control.type)) continue;
    const l = label.getBoundingClientRect();
    const c = control.getBoundingClientRect();
    if (l.width <= 1 || l.height <= 1 || !c.width) continue;  // visually hidden, or not shown
    if (l.bottom > c.top + 1 || l.left > c.right || l.right < c.left) {
      misplaced.push(`${label.textContent.trim()} (${control.name})`);
    }
  }
  return misplaced;
}"""


def form_pages() -> dict[str, str]:
    theory = Theory.objects.filter(spoiler_season=None).exclude(author__username=FAN).first()
    comment = Comment.objects.filter(author__username=FAN).first()
    return {
        "post a theory": reverse("guide:theory_create"),
        "edit a comment": reverse("guide:comment_edit", args=[comment.pk]),
        "theory page (comment form)": theory.get_absolute_url(),
        "report": reverse("guide:report_theory", args=[theory.pk]),
        "theory list (filters)": reverse("guide:theory_list"),
        "settings": reverse("accounts:settings"),
        "change password": reverse("accounts:password_change"),
        "delete account": reverse("accounts:delete"),
    }


def visitor_form_pages() -> dict[str, str]:
    return {
        "sign up": reverse("accounts:signup"),
        "log in": reverse("accounts:login"),
        "reset password": reverse("accounts:password_reset"),
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_labels_sit_above_their_fields_on_every_form(new_context, width):
    fan = UserFactory(username=FAN)
    Comment.objects.create(
        theory=Theory.objects.first(), author=fan, body="Mine", body_html="<p>Mine</p>"
    )
    misplaced = {}
    visitor = new_context(viewport={"width": width, "height": 900}).new_page()
    for name, url in visitor_form_pages().items():
        visitor.goto(url)
        if found := visitor.evaluate(LABEL_PLACES):
            misplaced[name] = found
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, FAN)
    for name, url in form_pages().items():
        page.goto(url)
        if found := page.evaluate(LABEL_PLACES):
            misplaced[name] = found
    assert misplaced == {}, "labels beside or below their fields"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_theory_title_is_as_wide_as_the_form(new_context, width):
    UserFactory(username=FAN)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, FAN)
    page.goto(reverse("guide:theory_create"))
    widths = page.evaluate(
        """() => ["#id_title", "#id_body", "main form"].map(
          (selector) => document.querySelector(selector).getBoundingClientRect().width)"""
    )
    title, body, form = widths
    assert abs(title - body) <= 1, widths
    assert abs(title - form) <= 1, widths


def test_deleting_the_account_is_a_danger_button(new_context):
    UserFactory(username=FAN)
    page = new_context().new_page()
    log_in(page, FAN)
    page.goto(reverse("accounts:settings"))
    link = page.locator(f'a[href="{reverse("accounts:delete")}"]')
    looks = link.evaluate(
        """(el) => {
          const s = getComputedStyle(el);
          const danger = getComputedStyle(document.querySelector("main"))
            .getPropertyValue("--bad").trim();
          return {display: s.display, background: s.backgroundColor, danger,
                  height: el.getBoundingClientRect().height, underline: s.textDecorationLine};
        }"""
    )
    assert looks["display"] == "inline-flex"
    assert looks["height"] >= 40
    assert looks["underline"] == "none"
    red, green, blue = (int(looks["danger"][i : i + 2], 16) for i in (1, 3, 5))
    assert looks["background"] == f"rgb({red}, {green}, {blue})"
