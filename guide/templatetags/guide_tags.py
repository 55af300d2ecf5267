"""Template tags for the guide: the spoiler shield and small formatting helpers."""

import hashlib
import json
import math
import re
import secrets
from functools import cached_property

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core import pagecache
from core.fragments import Fragment, render_many
from guide import marks, news, permissions, renditions, selectors, spoilers, topics
from guide.forms import ForecastForm, watch_choices, watch_label
from guide.models import COMMENT_KINDS
from guide.textfold import fold_with_positions

register = template.Library()


@register.simple_tag
def picture(image, alt: str, *, sizes: str, css_class: str = "", eager: bool = False):
    """An uploaded image as a responsive <picture>: its renditions (guide.renditions) by
    width, AVIF first where it was made, WebP in the <img>, the upload itself as `src`
    (all a browser gets before the renditions are drawn). Its own width and height keep
    the layout still while it loads; below the fold (the default) it loads lazily.

    `sizes`: how wide the page draws it, as the `sizes` attribute says it.
    """
    if not image:
        return ""
    field, row = image.field, image.instance
    made = (getattr(row, field.renditions_field) or {}) if field.renditions_field else {}

    def srcset(extension: str) -> str:
        return ", ".join(
            f"{field.storage.url(renditions.rendition_name(image.name, width, extension))} {width}w"
            for width in made[extension]
        )

    sources = format_html_join(
        "",
        '<source type="image/{}" srcset="{}" sizes="{}">',
        (
            (ext, srcset(ext), sizes)
            for ext in renditions.FORMATS
            if ext != "webp" and made.get(ext)
        ),
    )
    attrs = {"src": image.url}
    if made.get("webp"):
        attrs |= {"srcset": srcset("webp"), "sizes": sizes}
    attrs |= {
        "alt": alt,
        "width": getattr(row, field.width_field),
        "height": getattr(row, field.height_field),
    }
    if css_class:
        attrs["class"] = css_class
    attrs["loading"] = "eager" if eager else "lazy"
    attrs["decoding"] = "async"
    return format_html("<picture>{}<img{}></picture>", sources, flatatt(attrs))


def _progress(context) -> dict[int, int]:
    reading = context.get("reading")
    return reading.progress if reading is not None else {}


def _released(context, show_id) -> list[int]:
    reading = context.get("reading")
    return reading.released.get(show_id, []) if reading is not None else []


def shielded_for(context, spoiler_season, show_id) -> bool:
    return spoilers.is_shielded(spoiler_season, _progress(context).get(show_id))


@register.simple_tag(takes_context=True)
def is_shielded(context, spoiler_season, show_id):
    """`{% is_shielded item.spoiler_season show.pk as hidden %}` for custom layouts."""
    return shielded_for(context, spoiler_season, show_id)


@register.simple_tag(takes_context=True)
def first_shielded(context, reveals):
    """`{% first_shielded record.reveals as shield %}`: (season, show id) of the first
    show whose `reveals` season the reader has not watched, else (None, None), for a
    `{% spoiler shield.0 shield.1 %}` around what gives those seasons away."""
    for show_id, season in reveals.items():
        if shielded_for(context, season, show_id):
            return (season, show_id)
    return (None, None)


@register.simple_tag(takes_context=True)
def theory_cards(context, theories):
    """`{% theory_cards theories %}`: each theory's card (includes/theory_card.html).

    Cards are shared between readers through core.fragments. A card's key holds all in
    which two readers' cards of one theory differ: language, which of its spoilers are
    shielded, whether the reader is signed in and may vote, their vote, the counts.
    Its topics cover the rest: the theory's own writes, its author's name, and (through
    core.fragments) editors' changes to the show and season it belongs to.
    """
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    # On a page shared with fans a card's vote widget is a hole (vote_widget), the same
    # card for every fan: the reader's own vote is not part of its key.
    shared = pagecache.rendering_for_fans(context.get("request"))
    fragments = []
    for theory in theories:
        show_id = theory.season.show_id
        title_hidden = shielded_for(context, theory.spoiler_season, show_id)
        outcome_hidden = shielded_for(context, theory.outcome_season, show_id)
        if shared:
            may_vote, my_vote = "each fan's own", None
        else:
            may_vote = permissions.can_vote(user, theory) if signed_in else True
            my_vote = getattr(theory, "my_vote", None)
        # Writes that change a card also change one of these, so a card is right at once
        # even when a topic's move is not seen yet (it lands when the write commits).
        shown_values = (
            title_hidden,
            outcome_hidden,
            signed_in,
            may_vote,
            my_vote,
            permissions.is_open(theory),
            theory.score,
            theory.comment_count,
            theory.edited_at,
            theory.outcome,
            theory.is_hidden,
        )
        card = {"theory": theory, "title_hidden": title_hidden, "outcome_hidden": outcome_hidden}
        fragments.append(_kept_piece("card", theory, topics.theory(theory.pk), shown_values, card))
    return mark_safe("".join(render_many(context, "includes/theory_card.html", fragments)))  # noqa: S308


def _kept_piece(kind: str, item, topic: str, shown_values: tuple, piece: dict) -> Fragment:
    """A theory's or comment's piece for core.fragments: keyed by its own `shown_values`
    with the item, the language and its author's name; shown under `topic` and the
    author's name topic."""
    author = (item.author.username, item.author.display_name) if item.author_id else None
    shown = (item.pk, get_language(), *shown_values, author)
    key = f"{kind}:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    names = (topics.fan(item.author_id),) if item.author_id is not None else ()
    return Fragment(key=key, topics=(topic, *names), context=piece)


@register.simple_tag(takes_context=True)
def comment_tree(context, comments, theory):
    """`{% comment_tree comments theory %}`: each comment (includes/comment.html) with the
    replies shown under it (selectors.discussion), as nested lists whose replies fold
    away without scripts, and a link to its own page where replies go on beyond.

    Each comment is shared between readers through core.fragments as theory cards are.
    Its key holds all in which two readers' copies differ: language, whether its spoiler
    is shielded, whether the reader is signed in and wrote it (on a page shared with
    fans, a hole of own_actions instead), whether they may read it, whether the theory
    takes replies, when it was edited, whether it is hidden, its author's name. Its
    topics cover the rest: its theory's page, its author's name."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    shared = pagecache.rendering_for_fans(context.get("request"))
    show, is_open = theory.season.show, permissions.is_open(theory)
    everyone = list(_threads(comments))
    fragments = []
    for comment in everyone:
        mine = "each fan's own" if shared else signed_in and comment.author_id == user.pk
        # On a page shared with fans, each fan's own through holes (save_button, votes).
        saved = "each fan's own" if shared else comment.saved
        my_vote = "each fan's own" if shared else comment.my_vote
        # Filled in as each page is served where the comment takes votes (guide.marks).
        score = "as served" if shared and is_open else comment.score
        shown_values = (
            shielded_for(context, comment.spoiler_season, show.pk),
            signed_in,
            mine,
            saved,
            my_vote,
            score,
            comment.readable,
            is_open,
            comment.edited_at,
            comment.is_hidden,
            comment.deleted_at,
        )
        item = {"comment": comment, "show": show, "takes_replies": is_open}
        topic = topics.theory(comment.theory_id)
        fragments.append(_kept_piece("comment", comment, topic, shown_values, item))
    pieces = dict(
        zip(
            (comment.pk for comment in everyone),
            render_many(context, "includes/comment.html", fragments),
            strict=True,
        )
    )
    return mark_safe("".join(_branch(comment, pieces) for comment in comments))  # noqa: S308


def _threads(comments):
    """Every comment of the threads, each before its replies."""
    for comment in comments:
        yield comment
        yield from _threads(comment.shown_replies)


def _branch(comment, pieces: dict) -> SafeString:
    """A comment's list item: its piece, then its replies, or the way to them."""
    replies = SafeString("")
    if comment.shown_replies:
        count = len(comment.shown_replies)
        replies = format_html(
            '<details class="replies" open><summary>{}</summary><ol class="comment-list">{}'
            "</ol></details>",
            ngettext("%(n)s reply", "%(n)s replies", count) % {"n": count},
            mark_safe("".join(_branch(reply, pieces) for reply in comment.shown_replies)),  # noqa: S308
        )
    unseen = comment.reply_count - len(comment.shown_replies)
    if unseen > 0 and not getattr(comment, "replies_paged", False):
        onward = ngettext(
            "Continue this thread (%(n)s more reply)",
            "Continue this thread (%(n)s more replies)",
            unseen,
        )
        replies += format_html(
            '<p class="continue"><a href="{}">{} →</a></p>',
            comment.get_absolute_url(),
            onward % {"n": unseen},
        )
    # The hidden mark frames the comment itself, for those who may read it; a stand-in
    # and the replies under either are not marked.
    own = "comment-own is-hidden" if comment.is_hidden and comment.readable else "comment-own"
    return format_html(
        '<li class="comment" id="comment-{}"><div class="{}">{}</div>{}</li>',
        comment.pk,
        own,
        pieces[comment.pk],
        replies,
    )


@register.simple_tag(takes_context=True)
def inbox_summary(context, group) -> str:
    """What a group of inbox lines says (guide.news), for this reader's shield."""
    newest = group.newest
    tagged = newest.comment.spoiler_season if newest.kind in COMMENT_KINDS else None
    shielded = (
        tagged is not None
        and newest.comment_readable
        and shielded_for(context, tagged, group.theory.season.show_id)
    )
    return news.describe(group, spoiler_season=tagged if shielded else None)


@register.simple_tag(takes_context=True)
def vote_widget(context, theory):
    """`{% vote_widget theory %}`: the theory's score, with the buttons (pressed as the
    reader voted) for whoever may vote on it: a fan on another fan's open theory, or a
    visitor, whom pressing one asks to sign in.

    On a page shared with fans (core.pagecache), a hole with every widget a fan may get,
    filled with the one for each fan's own vote (guide.marks)."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    template = context.template.engine.get_template("includes/vote.html")
    # What every form of the widget shares, worked out once: a page shared with fans
    # renders four forms of it for each theory.
    shared = {
        "url": reverse("guide:vote", args=[theory.pk]),
        "score_label": _("Score"),
        "up_label": _("Vote up theory %(title)s") % {"title": theory.pk},
        "down_label": _("Vote down theory %(title)s") % {"title": theory.pk},
        "score": theory.score,
    }

    def widget(vote_open: bool, my_vote) -> SafeString:
        with context.push(theory=theory, vote_open=vote_open, my_vote=my_vote, vote=shared):
            return template.render(context)

    request = context.get("request")
    if pagecache.rendering_for_fans(request) and permissions.is_open(theory):
        shared["score"] = marks.SCORE  # the score as it is when the page is served
        variants = {"own": widget(False, None)}
        variants.update((name, widget(True, vote)) for name, vote in marks.VOTE_FORMS.items())
        hole = marks.hole("vote", theory.pk, theory.author_id)
        return pagecache.personal(request, marks.CHOOSER, hole, variants)
    may_vote = permissions.can_vote(user, theory) if signed_in else True
    return widget(may_vote, getattr(theory, "my_vote", None))


@register.simple_tag(takes_context=True)
def vote_counts(context, theory):
    """`{% vote_counts theory %}`: "3 up, 1 down". On a page shared with fans, a hole
    whose counts go in as each page is served (guide.marks), while the theory takes votes."""
    line = _("%(up)s up, %(down)s down")
    request = context.get("request")
    if pagecache.rendering_for_fans(request) and permissions.is_open(theory):
        variants = {"counts": line % {"up": marks.UPVOTES, "down": marks.DOWNVOTES}}
        return pagecache.personal(
            request, marks.CHOOSER, marks.hole("theory_counts", theory.pk), variants
        )
    return line % {"up": theory.upvotes, "down": theory.downvotes}


@register.simple_tag(takes_context=True)
def comment_vote_widget(context, comment, takes_votes):
    """`{% comment_vote_widget comment takes_votes %}`: the comment's score, with vote
    buttons as on theories (vote_widget) for whoever may vote: a fan on another fan's
    comment, or a visitor, whom pressing one asks to sign in; the score alone on a
    withdrawn theory. On a page shared with fans, a hole guide.marks fills."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    template = context.template.engine.get_template("includes/comment_vote.html")
    shared = {
        "url": reverse("guide:comment_vote", args=[comment.pk]),
        "score_label": _("Score"),
        "up_label": _("Vote up comment %(id)s") % {"id": comment.pk},
        "down_label": _("Vote down comment %(id)s") % {"id": comment.pk},
        "score": comment.score,
    }

    def widget(vote_open: bool, my_vote) -> SafeString:
        with context.push(comment=comment, vote_open=vote_open, my_vote=my_vote, vote=shared):
            return template.render(context)

    request = context.get("request")
    if takes_votes and pagecache.rendering_for_fans(request):
        shared["score"] = marks.SCORE  # the score as it is when the page is served
        variants = {"own": widget(False, None)}
        variants.update((name, widget(True, vote)) for name, vote in marks.VOTE_FORMS.items())
        hole = marks.hole("comment_vote", comment.pk, comment.author_id)
        return pagecache.personal(request, marks.CHOOSER, hole, variants)
    may_vote = takes_votes and (permissions.can_vote(user, comment) if signed_in else True)
    return widget(may_vote, getattr(comment, "my_vote", None))


_AUTHOR_CHOOSER = "guide.templatetags.guide_tags.choose_by_author"
_ACTION_URLS = {
    "theory": ("guide:theory_edit", "guide:theory_delete", "guide:report_theory"),
    "comment": ("guide:comment_edit", "guide:comment_delete", "guide:report_comment"),
}


@register.simple_tag(takes_context=True)
def own_actions(context, item):
    """`{% own_actions theory %}` or a comment: Edit and Delete for its author while they
    may (permissions.can_edit; deleting follows the same rule), Report for other fans,
    nothing for visitors. On a page shared with fans, a hole choose_by_author fills."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    edit, delete, report = (
        reverse(name, args=[item.pk]) for name in _ACTION_URLS[item._meta.model_name]
    )
    template = context.template.engine.get_template("includes/own_actions.html")

    # A theory's author states its predictions while it is open and its text not frozen.
    predict = item._meta.model_name == "theory" and permissions.can_edit(item.author, item)

    def actions(mine: bool) -> SafeString:
        may_change = mine and permissions.can_edit(item.author, item)
        urls = {"edit_url": edit, "delete_url": delete, "report_url": report}
        if predict:
            urls["predict_url"] = reverse("guide:prediction_create", args=[item.pk])
            urls["images_url"] = reverse("guide:theory_images", args=[item.pk])
        with context.push(mine=mine, may_change=may_change, **urls):
            return template.render(context)

    request = context.get("request")
    if pagecache.rendering_for_fans(request) and item.author_id is not None:
        variants = {"mine": actions(True), "theirs": actions(False)}
        return pagecache.personal(request, _AUTHOR_CHOOSER, item.author_id, variants)
    return actions(item.author_id is not None and item.author_id == user.pk)


def choose_by_author(request, holes) -> list[str]:
    """The pagecache chooser for holes keyed by an author: "mine" for that author."""
    reader_pk = request.user.pk  # once: the lazy user costs on every read
    return [
        variants["mine" if author_pk == reader_pk else "theirs"] for author_pk, variants in holes
    ]


@register.simple_tag(takes_context=True)
def prediction_own(context, part: str):
    """What is the reader's own on a prediction's page: `{% prediction_own "history" %}`
    (their forecasts), "form" (the form to forecast, from their current forecast),
    "score" (their score once resolved), "reword" (the author's link to reword their
    claim). On a page shared with fans, a hole guide.marks fills for each fan (the
    reword link, choose_by_author)."""
    prediction, request = context["prediction"], context.get("request")
    if pagecache.rendering_for_fans(request):
        return _prediction_hole(context, part, prediction, request)
    page, user = context["page"], context.get("user")
    if part == "reword":
        return _reword_link(prediction.pk) if context["may_reword"] else ""
    if part == "score":
        return marks.forecast_score(page.my_score)
    if part == "history":
        return marks.forecast_history(page.mine)
    return _forecast_form(
        context,
        form=context["form"],
        changing=bool(page.mine),
        signed_in=bool(user is not None and user.is_authenticated),
    )


def _prediction_hole(context, part: str, prediction, request):
    if part == "reword":
        # Its author may reword it while it takes forecasts; nobody else ever.
        if not permissions.can_reword(prediction.author, prediction, now=timezone.now()):
            return ""
        variants = {"mine": _reword_link(prediction.pk), "theirs": ""}
        return pagecache.personal(request, _AUTHOR_CHOOSER, prediction.author_id, variants)
    variants, mark = {}, ""
    if part == "form":
        # The form as a fan with no forecast gets it, and as one changing theirs, with a
        # mark where their current forecast goes.
        mark = secrets.token_hex(8)
        variants = {
            "new": _forecast_form(context, form=ForecastForm(), changing=False, signed_in=True),
            "change": _forecast_form(
                context,
                form=ForecastForm(initial={"percent": mark}),
                changing=True,
                signed_in=True,
            ),
        }
    hole = marks.hole("forecast", prediction.pk, part, mark)
    return pagecache.personal(request, marks.CHOOSER, hole, variants)


def _reword_link(pk: int) -> str:
    return format_html(
        '· <a href="{}">{}</a>', reverse("guide:prediction_edit", args=[pk]), _("Reword")
    )


def _forecast_form(context, **own) -> str:
    """The form (or why there is none), for includes/forecast_form.html."""
    return render_to_string(
        "includes/forecast_form.html",
        {
            "may_forecast": context["may_forecast"],
            "resolved": context["prediction"].is_resolved,
            "here": context.get("here"),
            "csrf_token": context.get("csrf_token"),
            **own,
        },
    )


@register.simple_tag(takes_context=True)
def follow_season_button(context, season):
    """`{% follow_season_button season %}`: Follow this season's new theories, or stop
    (Season.with_follow_of), for a signed-in fan."""
    return _own_mark(
        context,
        "includes/follow_season.html",
        marks.hole("follow_season", season.pk),
        lambda: bool(getattr(season, "followed", False)),
        season=season,
    )


@register.simple_tag(takes_context=True)
def follow_show_button(context, show):
    """`{% follow_show_button show %}`: Follow the new theories about any season of the
    show, or stop, for a signed-in fan (Show.with_follow_of)."""
    return _own_mark(
        context,
        "includes/follow_show.html",
        marks.hole("follow_show", show.pk),
        lambda: bool(getattr(show, "followed", False)),
        show=show,
    )


@register.simple_tag(takes_context=True)
def follow_fan_button(context, fan):
    """`{% follow_fan_button fan %}`: Follow another fan's new theories, or stop; nothing
    on one's own profile."""
    user = context.get("user")
    shared = pagecache.rendering_for_fans(context.get("request"))
    if user is not None and user.pk == fan.pk and not shared:  # shared: guide.marks says
        return ""
    return _own_mark(
        context,
        "includes/follow_fan.html",
        marks.hole("follow_fan", fan.pk),
        lambda: selectors.followed_fans(user, [fan.pk]) == {fan.pk},
        fan=fan,
    )


@register.simple_tag(takes_context=True)
def follow_button(context, theory):
    """`{% follow_button theory %}`: Follow, or Unfollow, for a signed-in fan on an open
    theory (Theory.with_marks_of annotates `followed`; else one query)."""
    if not permissions.is_open(theory):
        return ""

    def followed() -> bool:
        marked = getattr(theory, "followed", None)
        user = context.get("user")
        return selectors.follows(user, [theory.pk]) == {theory.pk} if marked is None else marked

    hole = marks.hole("follow", theory.pk)
    return _own_mark(context, "includes/follow.html", hole, followed, theory=theory)


_SAVE_URLS = {"theory": "guide:save_theory", "comment": "guide:save_comment"}


@register.simple_tag(takes_context=True)
def save_button(context, item):
    """`{% save_button theory %}` or a comment: Save, or Unsave, for a signed-in fan. Reads
    the item's `saved` (Theory.with_marks_of, CommentQuerySet.in_thread_of)."""
    kind = item._meta.model_name
    return _own_mark(
        context,
        "includes/save.html",
        marks.hole(f"save_{kind}", item.pk),
        lambda: bool(getattr(item, "saved", False)),
        action=reverse(_SAVE_URLS[kind], args=[item.pk]),
    )


def _own_mark(context, template_name: str, hole: tuple, marked, **shown) -> str:
    """A signed-in fan's own mark on an item (Follow, Save) as a button that sets or
    takes it away: `template_name` gets `marked` and `shown`; nothing for visitors. On a
    page shared with fans, a hole with both forms, which guide.marks fills for each fan
    (core.pagecache.personal); else `marked()` says which."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    template = context.template.engine.get_template(template_name)

    def button(on: bool) -> SafeString:
        with context.push(marked=on, **shown):
            return template.render(context)

    request = context.get("request")
    if pagecache.rendering_for_fans(request):
        variants = {"yes": button(True), "no": button(False)}
        return pagecache.personal(request, marks.CHOOSER, hole, variants)
    return button(marked())


class SpoilerNode(template.Node):
    def __init__(self, nodelist, season_expr, show_expr, label_expr=None):
        self.nodelist = nodelist
        self.season_expr = season_expr
        self.show_expr = show_expr
        self.label_expr = label_expr

    def render(self, context):
        content = self.nodelist.render(context)
        season = self.season_expr.resolve(context)
        show_id = self.show_expr.resolve(context)
        if not shielded_for(context, season, show_id):
            return content
        label = self.label_expr.resolve(context) if self.label_expr else ""
        return render_to_string(
            "includes/spoiler.html",
            {
                "content": content,
                "season": season,
                "show_id": show_id,
                "label": label or _("Spoiler"),
                # Only a season that is out can have been seen.
                "can_say_seen": season in _released(context, show_id),
                "here": context.get("here"),
                "csrf_token": context.get("csrf_token"),
            },
        )


@register.tag
def spoiler(parser, token):
    """Wrap content in a <details> reveal when the reader has not watched that season.

    {% spoiler item.spoiler_season show.pk %}…{% endspoiler %}
    {% spoiler item.spoiler_season show.pk _("Real title") %}…{% endspoiler %}

    Which attribute names the season of which text is listed in
    guide.models.season_text.
    """
    bits = token.split_contents()
    if len(bits) not in (3, 4):
        raise template.TemplateSyntaxError("spoiler takes a season, a show id and a label")
    nodelist = parser.parse(("endspoiler",))
    parser.delete_first_token()
    exprs = [parser.compile_filter(bit) for bit in bits[1:]]
    return SpoilerNode(nodelist, *exprs)


@register.filter
def highlight(text, terms):
    """Wrap each (folded) search term in <mark>, matching accents and case loosely."""
    text = str(text)
    terms = [term for term in (terms or []) if term]
    if not terms:
        return escape(text)
    folded, positions = fold_with_positions(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms))
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        start = positions[match.start()]
        end = positions[match.end() - 1] + 1
        if start < last:
            continue
        pieces.append(escape(text[last:start]))
        pieces.append(format_html("<mark>{}</mark>", text[start:end]))
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.inclusion_tag("includes/watch_prompt.html", takes_context=True)
def watch_prompt(context, show, compact=False, named=False):
    """How far the reader has watched `show`, and a way to change it.

    A reader who has not said yet is asked once (unless `compact`); until then spoilers
    stay hidden. Afterwards a one-line "Watched: season 1 · change" control remains.
    `named` puts the show's title in that line, for pages about several shows.
    """
    if show is None:
        return {}
    watched = _progress(context).get(show.pk)
    choices = watch_choices(_released(context, show.pk))
    return {
        "show": show,
        "ask": watched is None and not compact,
        "named": named,
        "choices": choices,
        "watched": "" if watched is None else str(watched),
        "watched_label": "" if watched is None else watch_label(watched),
        "here": context.get("here"),
        "csrf_token": context.get("csrf_token"),
    }


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A JSON-LD data block. Escaped like json_script, so no value can end the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter
def can_comment(user, theory) -> bool:
    """{% if user|can_comment:theory %}: the permission rule, not a copy of it (editing,
    deleting and voting go through own_actions and vote_widget)."""
    return permissions.can_comment(user, theory)


@register.filter
def spoiler_tag_label(season) -> str:
    """A spoiler tag as a reader says it: "season 2", or "none"."""
    if not season:
        return _("none")
    return _("season %(number)s") % {"number": season}


@register.filter
def machine_time(value) -> str:
    """A time for a datetime attribute: ISO 8601 to the second, in the site's zone. (The
    "c" date format adds microseconds, which HTML does not allow.)"""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.simple_tag
def countdown(season):
    """`{% countdown season %}`: how long until the season's release day begins (" (in 12
    days)"), as a <time> that site.js keeps current while the page is open, by the same
    steps: whole days beyond two days (the calendar's count), hours beyond two hours,
    then minutes, each rounded up; it goes when the day comes. Nothing without a date to
    come."""
    starts = season.premieres_at
    if starts is None or season.is_released:
        return ""
    minutes = (starts - timezone.now()).total_seconds() / 60
    if minutes <= 0:
        return ""
    if minutes > 2 * 24 * 60:
        days = math.ceil(minutes / (24 * 60))
        left = ngettext("in %(n)s day", "in %(n)s days", days) % {"n": days}
    elif minutes > 2 * 60:
        hours = math.ceil(minutes / 60)
        left = ngettext("in %(n)s hour", "in %(n)s hours", hours) % {"n": hours}
    else:
        whole = math.ceil(minutes)
        left = ngettext("in %(n)s minute", "in %(n)s minutes", whole) % {"n": whole}
    return format_html(
        '<span> (<time class="countdown" datetime="{}" data-countdown>{}</time>)</span>',
        starts.isoformat(),
        left,
    )


@register.simple_tag(takes_context=True)
def crowd_section(context, prediction):
    """`{% crowd_section prediction %}`: the crowd's median, its chart and the same as a
    table (includes/crowd.html), the same for every reader in a language: shared through
    core.fragments and kept until the prediction's next forecast touches its topic. The
    forecasts are read only when the piece is rendered again."""
    pk = prediction.pk
    piece = Fragment(
        key=f"crowd:{pk}:{get_language()}",
        topics=(topics.prediction(pk),),
        context={"crowd": _LazyCrowd(pk)},
    )
    return render_many(context, "includes/crowd.html", [piece])[0]


@register.simple_tag(takes_context=True)
def fan_record(context, fan):
    """`{% fan_record fan %}`: a fan's prediction record and forecasts on their profile
    (includes/fan_record.html), shared through core.fragments by every reader in a
    language who has watched as far (the scores may give seasons away), and kept until
    a theory or a resolution moves THEORIES. The record is read only when the piece is
    rendered again."""
    watched = ",".join(f"{show}.{seasons}" for show, seasons in sorted(_progress(context).items()))
    piece = Fragment(
        key=f"record:{fan.pk}:{get_language()}:{watched}",
        topics=(topics.THEORIES,),
        context={"record": _LazyRecord(fan)},
    )
    return render_many(context, "includes/fan_record.html", [piece])[0]


class _LazyRecord:
    """A fan's theory record, hit rate and forecast record, each read on first use."""

    def __init__(self, fan):
        self._fan = fan

    @cached_property
    def theories(self):
        return selectors.with_theory_record(self._fan)

    @cached_property
    def hit_rate(self) -> int | None:
        return selectors.hit_rate(self.theories)

    @cached_property
    def forecasts(self) -> selectors.ForecastRecord:
        return selectors.forecast_record(self._fan)


class _LazyCrowd:
    """The crowd and its trend, read on first use (selectors.crowd_and_trend)."""

    def __init__(self, prediction_id: int):
        self.prediction_id = prediction_id
        self._read = None

    def _get(self):
        if self._read is None:
            self._read = selectors.crowd_and_trend(self.prediction_id)
        return self._read

    @property
    def now(self):
        return self._get()[0]

    @property
    def trend(self):
        return self._get()[1]


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 320, 130, 14


@register.inclusion_tag("includes/crowd_chart.html")
def crowd_chart(trend, label):
    """`{% crowd_chart crowd.trend label %}`: the crowd's median as it moved, an SVG line
    from 0 to 100 % over time (the days that had forecasts, placed by their date, the
    first and last named under it: selectors.crowd_trend). The page gives the same points
    as a table for readers who cannot see it."""
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    first, last = (trend[0].at, trend[-1].at) if trend else (None, None)
    span = (last - first).total_seconds() if trend else 0

    def x(point) -> float:
        share = (point.at - first).total_seconds() / span if span else 0.5
        return round(CHART_PAD + inner_w * share, 1)

    points = [
        (x(point), round(CHART_PAD + inner_h * (1 - point.median / 100), 1)) for point in trend
    ]
    return {
        "label": label,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "polyline": " ".join(f"{x},{y}" for x, y in points),
        "last": points[-1] if points else None,
        "first_day": first if span else None,
        "last_day": last if span else None,
        "gridlines": [
            {"y": round(CHART_PAD + inner_h * (1 - share / 100), 1), "share": share}
            for share in (0, 50, 100)
        ],
        "pad": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
    }


@register.inclusion_tag("includes/calibration_chart.html")
def calibration_chart(buckets, label):
    """`{% calibration_chart record.calibration label %}`: a dot for each bucket of stated
    probability that has forecasts, at how often those came true, beside the diagonal a
    perfectly calibrated forecaster would sit on. The page gives a table as well."""
    size, pad = 220, 28  # room for the axes' names
    inner = size - 2 * pad

    def at(share: float) -> float:
        return round(pad + inner * share / 100, 1)

    dots = [
        {"x": at(bucket.stated), "y": round(size - at(bucket.observed), 1), "n": bucket.forecasts}
        for bucket in buckets
        if bucket.forecasts
    ]
    return {
        "label": label,
        "size": size,
        "pad": pad,
        "far": size - pad,
        "inner": inner,
        "middle": size // 2,
        "dots": dots,
    }
