"""Editors' text in the reader's language, marked with its own where it falls back.

    {% load languages %}
    {% tr season "title" %}                     text, or <span lang="en">text</span>
    {% tr fact "answer" paragraphs=True %}      paragraphs, in <div lang="en"> if it falls back
    {% tr show "title" terms=results.terms %}   search terms in <mark>

A field with no text in the page's language shows the other language's (the field
itself falls back: guide/translation.py); that text gets the `lang` of what it is, so
that screen readers and hyphenation read it right. Text in the page's language needs
no attribute. Attributes (alt, title, <meta>) take the field itself: no markup there.
"""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import conditional_escape, format_html

from guide.models.translated import reading_order, shown_language
from guide.templatetags.guide_tags import highlight

register = template.Library()


@register.simple_tag
def tr(instance, name: str, *, paragraphs: bool = False, terms=None):
    if instance is None:
        return ""
    text = getattr(instance, name) or ""
    if paragraphs:
        shown = linebreaks_filter(text, autoescape=True)
    elif terms:
        shown = highlight(text, terms)
    else:
        shown = conditional_escape(text)
    language = shown_language(instance, name)
    if not text or language is None or language == reading_order()[0]:
        return shown
    element = "div" if paragraphs else "span"
    return format_html('<{0} lang="{1}">{2}</{0}>', element, language, shown)
