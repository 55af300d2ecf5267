from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.pagecache import personal
from guide import selectors
from guide.reading import Reading

_INBOX_CHOOSER = "guide.context_processors.choose_inbox_links"


def reader(request):
    # Lazy inside: a page without spoiler-tagged items or watch controls never asks.
    return {"reading": Reading(request)}


def inbox(request):
    """The header's link to a signed-in fan's inbox, with their unread count: always
    current, so on a page shared with fans it is a hole filled for each (one count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def link():  # called by the template, so a page without the header never counts
        hole = personal(request, _INBOX_CHOOSER, "inbox")
        return hole if hole is not None else inbox_link(selectors.unread_count(user))

    return {"inbox_link": link}


def inbox_link(unread: int) -> str:
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


def choose_inbox_links(request, holes) -> list[str]:
    """The pagecache chooser for the inbox link: the fan's own count in each."""
    link = inbox_link(selectors.unread_count(request.user))
    return [link for _hole in holes]
