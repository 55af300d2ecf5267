"""The reader's own settings that every page offers: how far they have watched, and the
colour theme. Both work for visitors (cookies) and fans (the account, for progress)."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import rate_limited
from core.navigation import redirect_back
from core.reader import THEME_COOKIE, THEMES, remember
from guide import services
from guide.forms import WatchProgressForm
from guide.reading import progress_for, remember_progress


@require_POST
def set_progress(request):
    form = WatchProgressForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a show and how far you have watched."))
    show, watched = form.cleaned_data["show"], form.cleaned_data["seasons_watched"]
    response = redirect_back(request, show.get_absolute_url())
    if request.user.is_authenticated:
        if limited := rate_limited(request, action="settings"):
            return limited
        services.save_progress(user=request.user, show=show, seasons_watched=watched)
        return response
    progress = progress_for(request)
    progress[show.pk] = watched
    return remember_progress(response, request, progress)


@require_POST
def set_theme(request):
    theme = request.POST.get("theme")
    if theme not in THEMES:
        return HttpResponseBadRequest(_("Unknown theme."))
    if request.user.is_authenticated and (limited := rate_limited(request, action="settings")):
        return limited
    return remember(redirect_back(request, "/"), request, THEME_COOKIE, theme)
