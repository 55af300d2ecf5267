from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import DeleteAccountForm, ProfileForm, SignUpForm
from core.errors import rate_limited
from core.forms import typed_text
from core.navigation import redirect_back
from core.pagecache import cache_for_visitors
from core.seo import PageMeta
from guide import selectors, topics
from guide.forms import WatchProgressForm
from guide.models import Show

PROFILE_THEORIES = 20


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("guide:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Next Season, %(name)s!") % {"name": user.username})
        return redirect_back(request, "/")
    page_meta = PageMeta(
        title=_("Sign up"),
        description=_("Join Next Season to post theories, vote and build a prediction record."),
    )
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "page_meta": page_meta},
        status=400 if form.errors else 200,
    )


@cache_for_visitors(topics=[topics.THEORIES], params=["page"])
def profile(request, username):
    fan = selectors.fan_with_record(username)
    theories = selectors.theories_by(fan, reader=request.user)
    page = Paginator(theories, PROFILE_THEORIES).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/profile.html",
        {
            "fan": fan,
            "page_obj": page,
            "theories": page.object_list,
            "hit_rate": selectors.hit_rate(fan),
            "page_meta": PageMeta(
                title=fan.public_name,
                description=_("%(name)s's theories and prediction record on Next Season.")
                % {"name": fan.public_name},
                og_type="profile",
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        kept = typed_text(form, "display_name", "bio")
        if limited := rate_limited(request, action="settings", kept=kept):
            return limited
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    progress = dict(request.user.watch_progress.values_list("show_id", "seasons_watched"))
    shows = Show.objects.published().annotate(season_count=Count("seasons")).order_by("title")
    progress_forms = [
        (
            show,
            WatchProgressForm(
                initial={"show": show, "seasons_watched": progress.get(show.pk)},
                max_season=show.season_count,
            ),
        )
        for show in shows
    ]
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "progress_forms": progress_forms},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        services.delete_account(user=user)
        logout(request)
        messages.success(request, _("Your account is deleted. Goodbye, and thank you."))
        return redirect("guide:home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )
