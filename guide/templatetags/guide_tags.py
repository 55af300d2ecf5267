"""Template tags for the guide: the spoiler shield and small formatting helpers."""

import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from guide import permissions, spoilers
from guide.textfold import fold_with_positions

register = template.Library()


def shielded_for(context, spoiler_season, show_id) -> bool:
    progress = context.get("reader_progress") or {}
    return spoilers.is_shielded(spoiler_season, progress.get(show_id))


@register.simple_tag(takes_context=True)
def is_shielded(context, spoiler_season, show_id):
    """`{% is_shielded item.spoiler_season show.pk as hidden %}` for custom layouts."""
    return shielded_for(context, spoiler_season, show_id)


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
                "request": context.get("request"),
                "csrf_token": context.get("csrf_token"),
            },
        )


@register.tag
def spoiler(parser, token):
    """Wrap content in a <details> reveal when the reader has not watched that season.

    {% spoiler item.spoiler_season show.pk %}…{% endspoiler %}
    {% spoiler item.spoiler_season show.pk "Theory title hidden" %}…{% endspoiler %}
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
def watch_prompt(context, show):
    """Ask a reader once per show how far they have watched; until then spoilers stay hidden."""
    progress = context.get("reader_progress") or {}
    if show is None or show.pk in progress:
        return {"ask": False}
    numbers = list(show.seasons.order_by("number").values_list("number", flat=True))
    return {
        "ask": True,
        "show": show,
        "season_numbers": numbers,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A JSON-LD data block. Escaped like json_script, so no value can end the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter
def can_edit(user, item) -> bool:
    """{% if user|can_edit:theory %}: the permission rule, not a copy of it."""
    return permissions.can_edit(user, item)


@register.filter
def can_delete(user, item) -> bool:
    return permissions.can_delete(user, item)


@register.filter
def can_vote(user, theory) -> bool:
    return permissions.can_vote(user, theory)
