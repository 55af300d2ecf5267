"""Leaderboard, moderation log, and the reader's own settings (spoiler level, theme)."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guide import seo, services
from guide.forms import WatchProgressForm
from guide.models import ModerationAction, Show, with_prediction_records
from guide.pagecache import cache_for_visitors
from guide.reading import (
    PROGRESS_COOKIE,
    PROGRESS_MAX_AGE,
    PROGRESS_SALT,
    THEME_COOKIE,
    THEMES,
    encode_progress,
    progress_for,
)
from guide.views.navigation import redirect_back

LEADERBOARD_SIZE = 50
LOG_PER_PAGE = 50


@cache_for_visitors
def leaderboard(request):
    shows = Show.objects.published()
    show = None
    if slug := request.GET.get("show"):
        if not slug_re.fullmatch(slug):
            raise Http404
        show = get_object_or_404(shows, slug=slug)
    fans = (
        with_prediction_records(get_user_model().objects.filter(is_active=True), show=show)
        .filter(Q(confirmed__gt=0) | Q(partly__gt=0) | Q(debunked__gt=0))
        .order_by("-confirmed", "-partly", "-total_score", "username")[:LEADERBOARD_SIZE]
    )
    title = (
        _("Prediction leaderboard: %(show)s") % {"show": show.title}
        if show
        else _("Prediction leaderboard")
    )
    page_meta = seo.PageMeta(
        title=title, description=_("Fans ranked by how many of their theories came true.")
    )
    return render(
        request,
        "guide/leaderboard.html",
        {"fans": fans, "shows": shows, "show": show, "page_meta": page_meta},
    )


@cache_for_visitors
def moderation_log(request):
    actions = ModerationAction.objects.select_related("moderator").order_by("-created_at", "-pk")
    page = Paginator(actions, LOG_PER_PAGE).get_page(request.GET.get("page"))
    page_meta = seo.PageMeta(
        title=_("Moderation log"),
        description=_("Every moderation decision on Next Season, in public."),
    )
    return render(
        request,
        "guide/moderation_log.html",
        {"page_obj": page, "actions": page, "page_meta": page_meta},
    )


@require_POST
def set_progress(request):
    form = WatchProgressForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a show and how far you have watched."))
    show, watched = form.cleaned_data["show"], form.cleaned_data["seasons_watched"]
    response = redirect_back(request, show.get_absolute_url())
    if request.user.is_authenticated:
        services.save_progress(user=request.user, show=show, seasons_watched=watched)
    else:
        progress = progress_for(request)
        progress[show.pk] = watched
        response.set_signed_cookie(
            PROGRESS_COOKIE,
            encode_progress(progress),
            salt=PROGRESS_SALT,
            max_age=PROGRESS_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@require_POST
def set_theme(request):
    theme = request.POST.get("theme")
    if theme not in THEMES:
        return HttpResponseBadRequest(_("Unknown theme."))
    response = redirect_back(request, "/")
    response.set_cookie(
        THEME_COOKIE,
        theme,
        max_age=PROGRESS_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response
