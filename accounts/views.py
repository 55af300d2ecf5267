from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import export, services, tokens
from accounts.forms import DeleteAccountForm, EmailChangeForm, ProfileForm, SignUpForm
from accounts.models import DataExport
from core import pagination
from core.errors import page_not_found, rate_limited, too_many_requests
from core.forms import typed_text
from core.navigation import action, redirect_back
from core.network import client_address
from core.pagecache import cache_for_visitors, depends_on, rendering_for_fans
from core.seo import PageMeta, robots_for_page
from core.throttle import check_rate
from guide import selectors, topics
from guide.forms import WatchProgressForm
from guide.models import Show
from guide.reading import Reading

PROFILE_THEORIES = 20


def _mail_wait(*, action: str, key, address: str) -> int | None:
    """Seconds to wait if `key` did `action` too often, or `address` got mail too often.

    Mail to one address is counted whoever asks for it, so no mailbox can be flooded
    from many addresses, and no client can walk through many mailboxes.
    """
    return check_rate(action=action, key=key) or check_rate(
        action="mail_to_address", key=address.strip().casefold()
    )


def _signed_up(request, form):
    """Create the account and sign in; a 429 page if the client or mailbox is over its
    limit; None, with the error next to the username, if the name went meanwhile."""
    data = form.cleaned_data
    wait = _mail_wait(action="signup", key=client_address(request), address=data["email"])
    if wait:
        return too_many_requests(
            request,
            retry_after=wait,
            kept={_("Username"): data["username"], _("Email"): data["email"]},
        )
    try:
        user = services.sign_up(
            username=data["username"], email=data["email"], password=data["password1"]
        )
    except services.UsernameTaken:
        form.add_error("username", _("That username is taken."))
        return None
    login(request, user, backend="core.auth.CachedUserBackend")
    # The same words whether or not another account has that address.
    messages.success(
        request,
        _(
            "Welcome to Next Season, %(name)s! We have mailed a link to %(email)s: "
            "follow it to confirm your address."
        )
        % {"name": user.username, "email": data["email"]},
    )
    return redirect_back(request, "/")


class LogoutView(auth_views.LogoutView):
    """Logging out takes a POST; a visit to the address asks first instead of answering 405
    (it is reached by a reload, or by a language switch on a page shown there)."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("guide:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and (done := _signed_up(request, form)):
        return done
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


# Fans get its votes as served (guide.marks), and its cards' comment counts move with
# their theories' topics, so their shared copy is kept until a write moves it.
FAN_PROFILE_SECONDS = 600


@cache_for_visitors(
    topics=[topics.THEORIES],
    params=pagination.QUERY_PARAMS,
    fans=True,
    fan_seconds=FAN_PROFILE_SECONDS,
)
def profile(request, username):
    fan = selectors.active_fan(username)
    theories = selectors.theories_by(fan, reader=request.user)
    if moved := pagination.legacy_redirect(request, theories, per_page=PROFILE_THEORIES):
        return moved
    page = pagination.page_from_request(request, theories, per_page=PROFILE_THEORIES)
    if rendering_for_fans(request):
        # Kept until a write moves it: a comment moves only its theory's topic (THEORIES
        # moves with everything else). A visitor's copy lasts as long as a count may age.
        depends_on(request, *(topics.theory(theory.pk) for theory in page.items))
    title = fan.public_name
    if not page.is_first:
        title = _("%(title)s, continued") % {"title": title}
    return render(
        request,
        "accounts/profile.html",
        {
            "fan": fan,
            "page": page,
            "theories": page.items,
            "page_meta": PageMeta(
                title=title,
                description=_("%(name)s's theories and prediction record on Next Season.")
                % {"name": fan.public_name},
                og_type="profile",
                robots=robots_for_page(first_page=page.is_first),
            ),
        },
        status=HTTPStatus.BAD_REQUEST if page.malformed else HTTPStatus.OK,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        kept = typed_text(form, "display_name", "bio")
        if limited := rate_limited(request, action="settings", kept=kept):
            return limited
        services.update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            bio=form.cleaned_data["bio"],
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    reading = Reading(request)
    progress_forms = [
        (
            show,
            WatchProgressForm(
                initial={"show": show, "seasons_watched": reading.progress.get(show.pk)},
                released=reading.released.get(show.pk, []),
            ),
        )
        for show in Show.objects.published().order_by("title")
    ]
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "progress_forms": progress_forms,
            "latest_export": request.user.exports.first(),
            "export_limit": settings.RATE_LIMITS["export"][0],
        },
        status=400 if form.errors else 200,
    )


def _data_section(request) -> str:
    return reverse("accounts:settings") + "#data-title"


@action(page=_data_section)
def export_data(request):
    """Everything the fan wrote or chose, as a ZIP: at once when small, else made by the
    task worker and offered on the settings page when ready."""
    if limited := rate_limited(request, action="export"):
        return limited
    user = request.user
    if export.item_count(user) <= settings.EXPORT_INLINE_ROWS:
        response = HttpResponse(export.archive(user), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.file_name(user)}"'
        return response
    services.queue_export(user=user)  # the data section says how it stands
    return redirect(_data_section(request))


@login_required
@require_GET
def download_export(request, pk: int):
    """A prepared export, to its owner only: anyone else finds nothing here."""
    made = DataExport.objects.filter(pk=pk, user=request.user, ready_at__isnull=False).first()
    if made is None:  # answered here, not raised, so that never_cache marks it too
        return page_not_found(request)
    return FileResponse(
        made.file.open("rb"),
        as_attachment=True,
        filename=f"next-season-{request.user.username}-{made.ready_at:%Y%m%d}.zip",
        content_type="application/zip",
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


@login_required
@require_http_methods(["GET", "POST"])
def change_email(request):
    form = EmailChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"]
        wait = _mail_wait(action="email_change", key=request.user.pk, address=address)
        if wait:
            return too_many_requests(request, retry_after=wait, kept={_("New email"): address})
        services.request_email_change(user=request.user, address=address)
        # The same words whether or not another account has that address.
        messages.success(
            request,
            _("We have mailed a link to %(email)s. Your email changes when you follow it.")
            % {"email": address},
        )
        return redirect("accounts:settings")
    return render(
        request, "accounts/email_change.html", {"form": form}, status=400 if form.errors else 200
    )


def _confirm_page(request, *, status=200, **context):
    return render(request, "accounts/email_confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """GET asks, POST confirms: a mail scanner that opens the link changes nothing."""
    try:
        fan = services.pending_change(token=token)
        if request.method == "POST":
            fan = services.confirm_email(token=token)
    except tokens.BadToken:
        return _confirm_page(request, status=400, invalid=True)
    except services.AddressTaken:
        return _confirm_page(request, status=409, taken=True)
    if request.method == "GET":
        return _confirm_page(request, fan=fan, address=fan.pending_email)
    messages.success(request, _("Your email is now %(email)s.") % {"email": fan.email})
    return redirect("accounts:settings" if request.user.pk == fan.pk else "accounts:login")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per client address and per mailbox."""

    def form_valid(self, form):
        address = form.cleaned_data["email"]
        wait = _mail_wait(
            action="password_reset", key=client_address(self.request), address=address
        )
        if wait:
            return too_many_requests(self.request, retry_after=wait, kept={_("Email"): address})
        return super().form_valid(form)
