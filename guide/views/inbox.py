"""A fan's own: their inbox, what they follow and save, whom they mention. Never cached."""

import re
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import AccountGone, rate_limited, too_many_requests
from core.navigation import action, redirect_back
from core.network import client_address
from core.throttle import check_rate
from guide import mailing, selectors, services
from guide.forms import MailPreferenceForm
from guide.models import Comment, Notification, NotificationKind, Season, Show, Theory


@login_required
@require_GET
def inbox(request):
    page, groups = selectors.inbox(user=request.user, page=request.GET.get("page"))
    return render(
        request,
        "guide/inbox.html",
        {"page_obj": page, "groups": groups, "unread": selectors.unread_count(request.user)},
    )


def _inbox_page(request, *args, **kwargs) -> str:
    return reverse("guide:inbox")


@action(page=_inbox_page)
def inbox_read(request):
    """Mark every line read."""
    if limited := rate_limited(request, action="inbox"):
        return limited
    services.mark_read(user=request.user)
    messages.success(request, _("Everything in your inbox is marked read."))
    return redirect("guide:inbox")


@action(page=_inbox_page)
def inbox_open(request, pk):
    """Go to a line's comment, marking the line, and the others of its group, read."""
    line = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if limited := rate_limited(request, action="inbox"):
        return limited
    ids = [int(value) for value in request.POST.getlist("line") if _is_id(value)]
    services.mark_read(user=request.user, notification_ids=[line.pk, *ids[:MAX_LINES]])
    if line.season_id is not None:  # a season's news
        return redirect(line.season.get_absolute_url())
    if line.comment_id is None:  # a new theory, or a decision on one
        return redirect(line.theory.get_absolute_url())
    if not Comment.objects.visible_to(request.user).filter(pk=line.comment_id).exists():
        # Hidden or deleted since: the discussion it was in, rather than a dead end.
        return redirect(line.theory.get_absolute_url() + "#comments")
    comment_page = reverse("guide:comment", args=[line.comment_id])
    return redirect(f"{comment_page}#comment-{line.comment_id}")


MAX_LINES = selectors.INBOX_LINES_PER_PAGE  # a group never spans more than a page


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdecimal() and len(value) <= 18


def _theory_page(request, pk) -> str:
    return get_object_or_404(Theory.objects.visible_to(request.user), pk=pk).get_absolute_url()


def _season_page(request, slug, number) -> str:
    return reverse("guide:season", args=[slug, number])


@action(page=_season_page)
def follow_season(request, slug, number):
    """Follow (`follow=1`) or stop following a season's new theories."""
    season = get_object_or_404(
        Season.objects.previewable_by(request.user).select_related("show"),
        show__slug=slug,
        number=number,
    )
    return _toggle(
        request,
        season,
        "follow",
        on=(
            partial(services.follow_season, season=season),
            _("You follow this season: its new theories reach your inbox."),
        ),
        off=(
            partial(services.unfollow_season, season=season),
            _("You no longer follow this season."),
        ),
    )


def _show_page(request, slug) -> str:
    return reverse("guide:show", args=[slug])


@action(page=_show_page)
def follow_show(request, slug):
    """Follow (`follow=1`) or stop following the new theories about a show's seasons."""
    show = get_object_or_404(Show.objects.previewable_by(request.user), slug=slug)
    return _toggle(
        request,
        show,
        "follow",
        on=(
            partial(services.follow_show, show=show),
            _("You follow this show: new theories about any of its seasons reach your inbox."),
        ),
        off=(partial(services.unfollow_show, show=show), _("You no longer follow this show.")),
    )


def _fan_page(request, username) -> str:
    return reverse("accounts:profile", args=[username])


@action(page=_fan_page)
def follow_fan(request, username):
    """Follow (`follow=1`) or stop following another fan's new theories."""
    # A fan who left may still be unfollowed; only an active one followed.
    fans = get_user_model()._default_manager.filter(username=username)
    if request.POST.get("follow") == "1":
        fans = fans.filter(is_active=True)
    fan = get_object_or_404(fans)
    if fan.pk == request.user.pk:
        raise Http404  # no button offers it
    name = fan.public_name
    return _toggle(
        request,
        fan,
        "follow",
        on=(
            partial(services.follow_fan, fan=fan),
            _("You follow %(name)s: their new theories reach your inbox.") % {"name": name},
        ),
        off=(
            partial(services.unfollow_fan, fan=fan),
            _("You no longer follow %(name)s.") % {"name": name},
        ),
    )


@action(page=_theory_page)
def follow(request, pk):
    """Follow (`follow=1`) or stop following a theory, then back to where the fan was."""
    theory = get_object_or_404(Theory.objects.visible_to(request.user), pk=pk)
    return _toggle(
        request,
        theory,
        "follow",
        on=(
            partial(services.follow, theory=theory),
            _("You follow this theory: new comments reach your inbox."),
        ),
        off=(partial(services.unfollow, theory=theory), _("You no longer follow this theory.")),
    )


def _toggle(request, item, field: str, *, on, off):
    """A fan's own mark on an item (`field=1` sets it, anything else takes it away), each
    a (service taking the fan, message) pair; then back to where the fan was. Following
    and saving share one rate limit, "follow"."""
    if limited := rate_limited(request, action="follow"):
        return limited
    service, message = on if request.POST.get(field) == "1" else off
    service(user=request.user)
    messages.success(request, message)
    return redirect_back(request, item.get_absolute_url())


NAME_PREFIX = re.compile(r"[\w.@+-]{1,30}")  # as far as a name may go (markdown.MENTION)


@login_required
@require_GET
def fan_names(request):
    """`?q=ji` → the fans a writer may mean by @ji…, as JSON for the suggestions under
    the comment box (static/js/site.js); without scripts, @name is typed in full."""
    prefix = request.GET.get("q", "")
    fans = selectors.fans_named_like(prefix) if NAME_PREFIX.fullmatch(prefix) else []
    return JsonResponse(
        {"fans": [{"username": fan.username, "name": fan.public_name} for fan in fans]}
    )


@login_required
@require_GET
def saved(request):
    page = selectors.saved_items(user=request.user, page=request.GET.get("page"))
    return render(request, "guide/saved.html", {"page_obj": page, "items": page.object_list})


@login_required
@require_GET
def following(request):
    """All the fan follows, each with its Unfollow, in one place."""
    return render(request, "guide/following.html", {"following": selectors.following(request.user)})


def _comment_page(request, pk) -> str:
    return reverse("guide:comment", args=[pk])


@action(page=_theory_page)
def save_theory(request, pk):
    return _save(request, get_object_or_404(Theory.objects.visible_to(request.user), pk=pk))


@action(page=_comment_page)
def save_comment(request, pk):
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).filter(
            theory__in=Theory.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    return _save(request, comment)


def _save(request, item):
    """Save (`save=1`) or unsave a theory or comment, then back to where the fan was."""
    return _toggle(
        request,
        item,
        "save",
        on=(
            partial(services.save_item, item=item),
            _("Saved. Find it again under Saved, at the top of every page."),
        ),
        off=(
            partial(services.unsave_item, item=item),
            _("Removed from your saved items."),
        ),
    )


@login_required
def mail_settings(request):
    """Which news reaches the fan by email: at once, in a daily digest, or not."""
    preference = selectors.mail_preference(request.user)
    form = MailPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        if limited := rate_limited(request, action="settings"):
            return limited
        services.choose_mail(
            user=request.user,
            choices={kind: form.cleaned_data[kind] for kind in form.fields},
            language=request.LANGUAGE_CODE,
        )
        messages.success(request, _("Your email choices are saved."))
        return redirect("guide:mail_settings")
    return render(
        request,
        "guide/mail_settings.html",
        {"form": form, "daily_limit": settings.MAIL_DAILY_LIMIT},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # the link's signed token is the credential; mail clients post without one
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """A mail's unsubscribe link: GET asks to confirm, POST stops that kind of mail
    (or all of it, from a digest). Mail clients POST `List-Unsubscribe=One-Click`
    (RFC 8058); the fan need not sign in."""
    try:
        user_id, kinds = mailing.read_unsubscribe_token(token)
    except mailing.BadToken:
        return render(request, "guide/unsubscribe.html", {"bad": True}, status=400)
    labels = [NotificationKind(kind).label for kind in kinds]
    context = {"labels": labels, "every_kind": len(kinds) == len(NotificationKind.values)}
    if request.method == "POST":
        if wait := check_rate(action="unsubscribe", key=client_address(request)):
            return too_many_requests(request, retry_after=wait)
        try:
            services.stop_mail(user_id=user_id, kinds=kinds)
        except AccountGone:
            return render(request, "guide/unsubscribe.html", {"bad": True}, status=400)
        context["done"] = True
    return render(request, "guide/unsubscribe.html", context)
