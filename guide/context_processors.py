from core.pagecache import personal
from guide import marks, selectors
from guide.reading import Reading


def reader(request):
    # Lazy inside: a page without spoiler-tagged items or watch controls never asks.
    return {"reading": Reading(request)}


def inbox(request):
    """The header's link to a signed-in fan's inbox, with their unread count: always
    current, so on a page shared with fans it is a hole filled for each (guide.marks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def link():  # called by the template, so a page without the header never counts
        hole = personal(request, marks.CHOOSER, marks.hole(selectors.UNREAD, 0))
        return hole if hole is not None else marks.inbox_link(selectors.unread_count(user))

    return {"inbox_link": link}
