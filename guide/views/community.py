"""The community's public record: the prediction leaderboard, the moderation log and the
edit history of theories, comments and predictions."""

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from core.pagecache import cache_for_visitors
from core.seo import PageMeta
from guide import selectors, topics
from guide.models import Show

LOG_PER_PAGE = 50


@cache_for_visitors(topics=[topics.THEORIES], params=["show", "season"], fans=True)
def leaderboard(request):
    """Forecasters ranked by peer score, and fans by the theories that came true: over
    every show, one show, or one season of it (?show=slug&season=number)."""
    shows = Show.objects.published()
    show = season = None
    if slug := request.GET.get("show"):
        if not slug_re.fullmatch(slug):
            raise Http404
        show = get_object_or_404(shows, slug=slug)
    if number := request.GET.get("season"):
        if show is None or not (number.isascii() and number.isdigit()) or len(number) > 3:
            raise Http404
        season = get_object_or_404(show.seasons.all(), number=int(number))
    if season is not None:
        title = _("Prediction leaderboard: %(show)s · %(season)s") % {
            "show": show.title,
            "season": season.label,
        }
    elif show is not None:
        title = _("Prediction leaderboard: %(show)s") % {"show": show.title}
    else:
        title = _("Prediction leaderboard")
    page_meta = PageMeta(
        title=title,
        description=_(
            "Fans ranked by how much better than the crowd their forecasts did, and by "
            "how many of their theories came true."
        ),
    )
    return render(
        request,
        "guide/leaderboard.html",
        {
            "fans": selectors.leaderboard(show=show, season=season),
            "forecasters": selectors.forecasters(
                show=show, season=season, minimum=settings.LEADERBOARD_MIN_FORECASTS
            ),
            "minimum_forecasts": settings.LEADERBOARD_MIN_FORECASTS,
            "shows": shows,
            "show": show,
            "season": season,
            "seasons": show.seasons.all() if show is not None else (),
            "title": title,
            "page_meta": page_meta,
        },
    )


@cache_for_visitors(topics=[topics.MODERATION_LOG], params=["page"])
def moderation_log(request):
    page = Paginator(selectors.moderation_log_actions(), LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page_meta = PageMeta(
        title=_("Moderation log"),
        description=_("Every moderation decision on Next Season, in public."),
    )
    return render(
        request,
        "guide/moderation_log.html",
        {
            "page_obj": page,
            "entries": selectors.moderation_log_entries(page),
            "page_meta": page_meta,
        },
    )


def theory_history(request, pk):
    history = selectors.theory_history(pk=pk, user=request.user, page=request.GET.get("page"))
    title = _("Edit history: %(theory)s") % {"theory": history.theory.headline}
    return _history_page(request, history, title)


def comment_history(request, pk):
    history = selectors.comment_history(pk=pk, user=request.user, page=request.GET.get("page"))
    title = _("Edit history of a comment on %(theory)s") % {"theory": history.theory.headline}
    return _history_page(request, history, title)


def prediction_history(request, pk):
    history = selectors.prediction_history(pk=pk, user=request.user, page=request.GET.get("page"))
    # The claim may be a spoiler: the title names only where it was stated.
    if history.theory is None:
        title = _("Edit history of a question")
    else:
        title = _("Edit history of a prediction in %(theory)s") % {
            "theory": history.theory.headline
        }
    return _history_page(request, history, title)


def _history_page(request, history, title):
    # Each version is on its item's own page or was; the history is for reading, not
    # for search engines.
    page_meta = PageMeta(
        title=title,
        description=_("Every edit, with when it was made and what changed."),
        robots="noindex",
    )
    return render(
        request,
        "guide/history.html",
        {
            "history": history,
            "show": history.show,
            "page_obj": history.page,
            "title": title,
            "page_meta": page_meta,
        },
    )
