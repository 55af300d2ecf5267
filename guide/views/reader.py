"""The reader's own settings that every page offers: how far they have watched, the
colour theme and the language. Each works for visitors (cookies) and fans (the account,
for progress, and for the language their mail is written in)."""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n

from core.errors import rate_limited
from core.navigation import action, redirect_back, safe_next
from core.reader import THEME_COOKIE, THEMES, remember
from core.throttle import check_rate
from guide import services
from guide.forms import WatchProgressForm
from guide.reading import progress_for, remember_progress


def _saved(show, watched: int) -> str:
    if watched:
        return _("Saved: you have watched season %(n)s of %(show)s.") % {
            "n": watched,
            "show": show.title,
        }
    return _("Saved: you have not watched %(show)s yet, so its spoilers stay hidden.") % {
        "show": show.title
    }


def _back(request) -> str:
    return safe_next(request, reverse("guide:home"))


@action(page=_back, login=False)
def set_progress(request):
    form = WatchProgressForm(request.POST)
    if not form.is_valid():
        # The form again, its error next to the field and the way back kept.
        return render(
            request,
            "guide/watch_progress.html",
            {"form": form, "next": safe_next(request, "")},
            status=HTTPStatus.BAD_REQUEST,
        )
    show, watched = form.cleaned_data["show"], form.cleaned_data["seasons_watched"]
    response = redirect_back(request, show.get_absolute_url())
    # A message sets a cookie, which keeps the next page out of the visitors' page cache.
    messages.success(request, _saved(show, watched))
    if request.user.is_authenticated:
        if limited := rate_limited(request, action="settings"):
            return limited
        services.save_progress(user=request.user, show=show, seasons_watched=watched)
        return response
    progress = progress_for(request)
    progress[show.pk] = watched
    return remember_progress(response, request, progress)


@action(page=_back, login=False)
def set_theme(request):
    theme = request.POST.get("theme")
    if theme not in THEMES:
        return HttpResponseBadRequest(_("Unknown theme."))
    if request.user.is_authenticated and (limited := rate_limited(request, action="settings")):
        return limited
    return remember(redirect_back(request, "/"), request, THEME_COOKIE, theme)


def set_language(request):
    """Django's language switch, which always works; a signed-in fan's choice is kept for
    their mail too, within their limit of settings writes."""
    if request.method == "POST" and request.user.is_authenticated:
        language = request.POST.get("language", "")
        writes = language in dict(settings.LANGUAGES)
        if writes and check_rate(action="settings", key=request.user.pk) is None:
            services.remember_language(user=request.user, language=language)
    return i18n.set_language(request)


def language_at_sign_in(sender, request, user, **kwargs):
    """The user_logged_in receiver: the language a fan signs in with is theirs for mail
    until they switch (connected in GuideConfig.ready)."""
    if request is not None:
        services.remember_language(user=user, language=getattr(request, "LANGUAGE_CODE", ""))
