"""A signed-in fan's own marks on a page shared with fans (core.pagecache): their votes,
follows, saves, forecasts and unread count, each a hole the page keeps with every form
it may take.

One chooser fills them all, with one query for the page (selectors.marks_of): a hole's
key is (kind, item id, *what the kind's rule needs), and the rule picks its form. Only a
fan who forecast on a prediction costs its page more: their history (and score, once it
is resolved) is read when their mark says there is one.

The same query reads the counts votes move, which no topic follows: the forms of a vote
hole, and of a theory's "3 up, 1 down", hold a token where a count goes, and the count
goes in as it is when the page is served. A page whose only counts are in holes may be
kept for as long as its topics stand still (core.pagecache's `fan_seconds`).
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from guide import selectors

CHOOSER = "guide.marks.choose"
VOTE_FORMS = {"none": None, "up": 1, "down": -1}
_VOTE_FORM_OF = {vote: name for name, vote in VOTE_FORMS.items()}
# Where a hole's forms show a count. Only widgets of ours hold them, never a fan's text.
SCORE, UPVOTES, DOWNVOTES = "@@score@@", "@@upvotes@@", "@@downvotes@@"
# The counts each kind of hole shows: its token, and the count (selectors.LIVE_COUNTS).
_COUNTS_SHOWN = {
    "vote": {SCORE: "theory_score"},
    "comment_vote": {SCORE: "comment_score"},
    "theory_counts": {UPVOTES: "theory_upvotes", DOWNVOTES: "theory_downvotes"},
}
_NO_MARK = {"theory_counts"}  # holes that show counts only, no mark of the fan's


def hole(kind: str, pk: int, *more) -> tuple:
    """The key of a hole for the fan's mark of `kind` on item `pk`."""
    return (kind, pk, *more)


def choose(request, holes) -> list[str]:
    """The pagecache chooser for every mark of the page (marks.hole)."""
    # The fan's id, read once: request.user is a lazy proxy that costs on every read, and
    # a busy page has a hundred holes.
    fan_pk = request.user.pk
    wanted: dict[str, set[int]] = {}
    for (kind, pk, *_more), _forms in holes:
        for asked in (kind, *_COUNTS_SHOWN.get(kind, {}).values()):
            if asked not in _NO_MARK:
                wanted.setdefault(asked, set()).add(pk)
    marks = selectors.marks_of(request.user, wanted)
    return [
        _counted(_RULES[kind](fan_pk, marks.get(kind), pk, *more, forms=forms), kind, pk, marks)
        for (kind, pk, *more), forms in holes
    ]


def _counted(html: str, kind: str, pk: int, marks: dict) -> str:
    """The hole's chosen form with its counts as they are now; nothing if its item is
    gone since the freshness check (a deleted comment's page is rendered again next)."""
    for token, count in _COUNTS_SHOWN.get(kind, {}).items():
        if pk not in marks[count]:
            return ""
        html = html.replace(token, str(marks[count][pk]))
    return html


def _vote(fan_pk: int, votes: dict, pk: int, author_pk, *, forms: dict) -> str:
    """The widget as the fan voted, or the score alone on their own item."""
    return forms["own"] if author_pk == fan_pk else forms[_VOTE_FORM_OF[votes.get(pk)]]


def _yes_or_no(fan_pk: int, marked: dict, pk: int, *, forms: dict) -> str:
    return forms["yes" if pk in marked else "no"]


def _fan_follow(fan_pk: int, followed: dict, pk: int, *, forms: dict) -> str:
    """Nothing on the fan's own profile: one does not follow oneself."""
    return "" if pk == fan_pk else _yes_or_no(fan_pk, followed, pk, forms=forms)


def _forecast(fan_pk: int, current: dict, pk: int, part: str, mark: str, *, forms: dict) -> str:
    """A prediction page's parts that are the fan's (guide_tags.prediction_own): their
    forecasts, the form and their score, read only when they have forecast on it."""
    if pk not in current:
        return forms.get("new", "")
    if part == "form":
        return forms["change"].replace(mark, str(int(current[pk])))
    if part == "history":
        return forecast_history(selectors.own_forecasts(fan_pk, pk))
    return forecast_score(selectors.own_score(fan_pk, pk))


def _counts(fan_pk: int, _marks: None, pk: int, *, forms: dict) -> str:
    """A theory's "3 up, 1 down", the same for every fan (its counts go in as served)."""
    return forms["counts"]


def _unread(fan_pk: int, counted: dict, pk: int, *, forms: dict) -> str:
    return inbox_link(counted[0])  # a count always answers, 0 when nothing is unread


_RULES = {
    "vote": _vote,
    "comment_vote": _vote,
    "follow": _yes_or_no,
    "follow_season": _yes_or_no,
    "follow_show": _yes_or_no,
    "follow_fan": _fan_follow,
    "save_theory": _yes_or_no,
    "save_comment": _yes_or_no,
    "forecast": _forecast,
    "theory_counts": _counts,
    selectors.UNREAD: _unread,
}


def forecast_history(forecasts) -> str:
    """A fan's forecasts on a prediction, oldest first, with times."""
    if not forecasts:
        return ""
    return render_to_string("includes/forecast_history.html", {"forecasts": forecasts})


def forecast_score(score) -> str:
    """What a fan's forecast on a resolved prediction scored, explained."""
    return render_to_string("includes/my_score.html", {"score": score}) if score else ""


def inbox_link(unread: int) -> str:
    """The header's link to the inbox, with how many of its lines the fan has not read."""
    url = reverse("guide:inbox")
    if not unread:
        return format_html('<a href="{}">{}</a>', url, _("Inbox"))
    return format_html(
        '<a href="{}">{} <span class="count">{}<span class="visually-hidden"> {}</span></span></a>',
        url,
        _("Inbox"),
        unread,
        _("unread"),
    )
