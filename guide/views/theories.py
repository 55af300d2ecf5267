"""Theories, votes, comments and reports: thin views over guide.services."""

from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from core import pagination
from core.errors import rate_limited, too_many_requests
from core.forms import typed_text
from core.navigation import action, redirect_back
from core.pagecache import (
    cache_for_visitors,
    depends_on,
    rendering_for_fans,
    shows_vote_counts,
)
from core.throttle import check_rate
from guide import cards, permissions, selectors, seo, services, topics
from guide.forms import (
    CommentForm,
    ReportForm,
    TheoryFilterForm,
    TheoryForm,
    TheoryImageForm,
    VoteForm,
)
from guide.models import (
    Character,
    Comment,
    CommentOrder,
    Season,
    Theory,
    TheoryImage,
    TheoryOrder,
)

THEORIES_PER_PAGE = 20
# Where the theory page asks a fan to cast the vote they chose before logging in, and
# how the chosen direction travels in its address (?vote=up).
CAST_VOTE_ANCHOR = "cast-vote"
VOTE_DIRECTIONS = {1: "up", -1: "down"}
COMMENT_FORM_ANCHOR = "comment-form"


@cache_for_visitors(
    topics=[topics.THEORIES],
    params=[*TheoryFilterForm.base_fields, *pagination.QUERY_PARAMS],
    fans=True,
)
def theory_list(request):
    filters = TheoryFilterForm(request.GET)
    if filters.is_valid():
        status, chosen_filters = HTTPStatus.OK, filters.cleaned_data
    else:
        status, chosen_filters = HTTPStatus.BAD_REQUEST, {}
    theories, chosen = selectors.theory_listing(user=request.user, filters=chosen_filters)
    if moved := pagination.legacy_redirect(request, theories, per_page=THEORIES_PER_PAGE):
        return moved
    page = pagination.page_from_request(request, theories, per_page=THEORIES_PER_PAGE)
    if page.malformed:
        status = HTTPStatus.BAD_REQUEST
    # Another order starts at its first page: a cursor belongs to the order it came from.
    sort_query = request.GET.copy()
    for name in ("sort", *pagination.QUERY_PARAMS):
        sort_query.pop(name, None)
    seasons = Season.objects.published().select_related("show").order_by("show__title", "number")
    return render(
        request,
        "guide/theory_list.html",
        {
            "page": page,
            "theories": page.items,
            "watch_shows": selectors.distinct_shows(t.season.show for t in page.items),
            "filters": filters,
            "sort": chosen_filters.get("sort") or TheoryOrder.HOT,
            "chosen": chosen,
            "seasons": seasons,
            "sort_querystring": sort_query.urlencode(),
            "page_meta": seo.for_theory_list(chosen, first_page=page.is_first),
        },
        status=status,
    )


# A fan back from logging in to vote (`?vote=`) is asked to confirm it: their own page.
# Fans get its votes as served (guide.marks), so their shared copy is kept until a write
# moves it: a comment, an edit, a forecast on one of its predictions.
FAN_THEORY_PAGE_SECONDS = 600


@cache_for_visitors(
    topics=lambda pk, **_: [topics.theory(pk)],
    params=["page", "sort"],
    fans=True,
    fans_own_params=["vote"],
    fan_seconds=FAN_THEORY_PAGE_SECONDS,
)
def theory_detail(request, pk, slug=None):
    # On a page shared with fans, holes show each fan's own vote and marks.
    own_marks = not rendering_for_fans(request)
    theory = get_object_or_404(
        Theory.objects.for_page(request.user, own_marks=own_marks)
        .with_last_season()
        .with_marks_of(request.user if own_marks else None)
        .prefetch_related(
            Prefetch("characters", Character.objects.select_related("show")), "images"
        ),
        pk=pk,
    )
    if slug != theory.url_slug:
        # The old address's query (a comment page, a vote to confirm) comes along.
        query = request.GET.urlencode()
        target = theory.get_absolute_url() + (f"?{query}" if query else "")
        return HttpResponsePermanentRedirect(target)
    return _theory_page(request, theory, CommentForm(last_season=theory.show_last_season))


@cache_control(public=True, max_age=3600)
def theory_card(request, pk):
    """The theory's share card (guide.cards): its headline, never a tagged title."""
    theory = selectors.theory_card(pk)
    return HttpResponse(
        cards.png(cards.theory_lines, theory=theory, comments=theory.comment_count),
        content_type="image/png",
    )


def _vote_prompt(request, theory) -> dict | None:
    """After a log-in detour the page asks the fan to cast their vote: a GET never casts
    one. Not asked when the fan's vote already is what they chose."""
    if "vote" not in request.GET or not permissions.is_open(theory):
        return None
    if request.user.is_authenticated and not permissions.can_vote(request.user, theory):
        return None
    chosen = {name: value for value, name in VOTE_DIRECTIONS.items()}.get(request.GET["vote"])
    if theory.my_vote is not None and chosen in (None, theory.my_vote):
        return None
    return {"chosen": chosen}


def _comment_order(request) -> str:
    """The discussion's order from `?sort=`; anything else is the default, oldest first."""
    chosen = request.GET.get("sort")
    return chosen if chosen in CommentOrder.values else CommentOrder.OLD


def _order_query(order: str) -> str:
    """What a discussion's page links keep of its order: nothing for the default."""
    return "" if order == CommentOrder.OLD else urlencode({"sort": order})


def _theory_page(request, theory, comment_form, status=HTTPStatus.OK, preview=None):
    order = _comment_order(request)
    if order == CommentOrder.TOP:
        shows_vote_counts(request)  # comments in the order their scores were in
    page = selectors.discussion(
        theory=theory,
        user=request.user,
        order=order,
        page=request.GET.get("page"),
        own_marks=not rendering_for_fans(request),
    )
    depends_on(request, *map(topics.fan, _authors(theory, page.object_list)))
    return render(
        request,
        "guide/theory_detail.html",
        {
            "theory": theory,
            "show": theory.season.show,
            "page_obj": page,
            "comments": page.object_list,
            "comment_order": order,
            "comment_orders": CommentOrder.choices,
            "comment_order_query": _order_query(order),
            "comment_form": comment_form,
            # Nothing typed in it (a preview shows what was typed, unbound).
            "comment_form_blank": not comment_form.is_bound and preview is None,
            "comment_preview": preview,
            "predictions": selectors.predictions_of(theory),
            "images": theory.images.all(),
            "vote_prompt": _vote_prompt(request, theory),
            # A withdrawn theory's text is for the moderators, who may act on reports.
            "shows_withdrawn_text": permissions.is_moderator(request.user),
            "page_meta": seo.for_theory(request, theory, theory.comment_count),
        },
        status=status,
    )


def _authors(theory, comments) -> set[int]:
    """Whose names a page shows: the theory's author and every comment's in its threads."""
    names, stack = {theory.author_id}, list(comments)
    while stack:
        comment = stack.pop()
        names.add(comment.author_id)
        stack.extend(comment.shown_replies)
    return names - {None}


def _theory_form_page(request, form, theory=None, status=HTTPStatus.OK, preview=None):
    return render(
        request,
        "guide/theory_form.html",
        {"form": form, "theory": theory, "preview": preview},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def theory_create(request):
    if request.method == "POST":
        form = TheoryForm(request.POST)
        if form.wants_preview:
            preview = form.preview()
            return _theory_form_page(request, form, preview=preview)
        if form.is_valid():
            retry_after = check_rate(action="theory", key=request.user.pk)
            if retry_after:
                return too_many_requests(
                    request,
                    retry_after=retry_after,
                    kept={
                        _("Title"): form.cleaned_data["title"],
                        _("Spoiler-free headline"): form.cleaned_data["spoiler_free_title"],
                        _("Theory"): form.cleaned_data["body"],
                    },
                )
            data = form.cleaned_data
            theory = services.post_theory(
                author=request.user,
                season=data["season"],
                title=data["title"],
                body=data["body"],
                characters=list(data["characters"]),
                spoiler_season=data["spoiler_season"],
                spoiler_free_title=data["spoiler_free_title"],
                language=data["language"],
            )
            messages.success(request, _("Your theory is posted."))
            return redirect(theory)
        return _theory_form_page(request, form, status=HTTPStatus.BAD_REQUEST)
    initial = {"language": getattr(request, "LANGUAGE_CODE", "en")}  # what the fan reads
    if (season_id := request.GET.get("season", "")) and season_id.isascii() and season_id.isdigit():
        initial["season"] = season_id
    return _theory_form_page(request, TheoryForm(initial=initial))


@login_required
@require_http_methods(["GET", "POST"])
def theory_edit(request, pk):
    theory = get_object_or_404(
        Theory.objects.select_related("season__show"), pk=pk, author=request.user
    )
    if refused := _refuse_change(request, theory):
        return refused
    if request.method == "POST":
        form = TheoryForm(request.POST, instance=theory)
        if form.wants_preview:
            preview = form.preview()
            return _theory_form_page(request, form, theory, preview=preview)
        if form.is_valid():
            kept = typed_text(form, "title", "body")
            if limited := rate_limited(request, action="edit", kept=kept):
                return limited
            data = form.cleaned_data
            services.edit_theory(
                theory=theory,
                title=data["title"],
                body=data["body"],
                characters=list(data["characters"]),
                spoiler_season=data["spoiler_season"],
                spoiler_free_title=data["spoiler_free_title"],
                language=data["language"],
            )
            messages.success(request, _("Your changes are saved."))
            return redirect(theory)
        return _theory_form_page(request, form, theory, status=HTTPStatus.BAD_REQUEST)
    return _theory_form_page(request, TheoryForm(instance=theory), theory)


@login_required
@require_http_methods(["GET", "POST"])
def theory_images(request, pk):
    """The author's pictures for their theory: up to four, each described, added one at
    a time (a form that fails keeps the pictures already added)."""
    theory = get_object_or_404(
        Theory.objects.select_related("season__show"), pk=pk, author=request.user
    )
    if refused := _refuse_change(request, theory):
        return refused
    form, status = TheoryImageForm(), HTTPStatus.OK
    if request.method == "POST":
        form = TheoryImageForm(request.POST, request.FILES)
        if form.is_valid():
            if limited := rate_limited(request, action="image", kept=typed_text(form, "alt")):
                return limited
            try:
                services.add_theory_image(
                    theory=theory, image=form.cleaned_data["image"], alt=form.cleaned_data["alt"]
                )
            except services.TooManyImagesError:
                form.add_error(None, _too_many_images())
            else:
                messages.success(request, _("Your picture is added."))
                return redirect("guide:theory_images", pk)
        status = HTTPStatus.BAD_REQUEST
    images = selectors.theory_images(theory)
    return render(
        request,
        "guide/theory_images.html",
        {
            "theory": theory,
            "show": theory.season.show,
            "form": form,
            "images": images,
            "room": TheoryImage.MAX_PER_THEORY - len(images),
            "most": TheoryImage.MAX_PER_THEORY,
        },
        status=status,
    )


def _too_many_images() -> str:
    return _("A theory shows at most %(most)s pictures: remove one to add another.") % {
        "most": TheoryImage.MAX_PER_THEORY
    }


def _pictures_page(request, pk, image_pk) -> str:
    return reverse("guide:theory_images", args=[pk])


@action(page=_pictures_page)
def theory_image_delete(request, pk, image_pk):
    image = get_object_or_404(
        TheoryImage.objects.select_related("theory__season__show"),
        pk=image_pk,
        theory_id=pk,
        theory__author=request.user,
    )
    if refused := _refuse_change(request, image.theory):
        return refused
    if limited := rate_limited(request, action="delete"):
        return limited
    services.remove_theory_image(image=image)
    messages.success(request, _("The picture is removed."))
    return redirect("guide:theory_images", pk)


def _refuse_change(request, theory):
    """The answer when the author may no longer change the theory, else None."""
    if not permissions.is_open(theory):
        return _withdrawn_refused(request, theory)
    if not permissions.can_edit(request.user, theory):
        messages.error(request, _("This theory's season is out, so its text is now frozen."))
        return redirect(theory)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def theory_delete(request, pk):
    theory = get_object_or_404(
        Theory.objects.select_related("season__show"), pk=pk, author=request.user
    )
    if not permissions.is_open(theory):
        return _withdrawn_refused(request, theory)
    if not permissions.can_delete(request.user, theory):
        messages.error(request, _("This theory's season is out, so it stays on the record."))
        return redirect(theory)
    if request.method == "POST":
        if limited := rate_limited(request, action="delete"):
            return limited
        try:
            withdrawn = services.delete_theory(theory=theory)
        except services.WithdrawnError:  # a second tab withdrew it a moment ago
            return _withdrawn_refused(request, theory)
        if withdrawn:
            messages.success(
                request,
                _(
                    "Your theory is withdrawn: its title, its text and your name are gone "
                    "from the site. Other fans' comments stay on its page."
                ),
            )
            return redirect(theory)
        messages.success(request, _("Your theory is deleted."))
        return redirect("guide:theory_list")
    return render(
        request,
        "guide/confirm_delete.html",
        {
            "item": theory,
            "kind": _("theory"),
            "is_theory": True,
            "withdraws": theory.others_have_a_stake(),
            "others_commented": theory.others_commented(),
        },
    )


def _withdrawn_refused(request, theory):
    """What answers any write on a withdrawn theory: a clear word on its page, never a 500."""
    refusal = _(
        "This theory was withdrawn by its author: it takes no more votes or comments, "
        "and its own text can be neither edited nor reported."
    )
    if _wants_json(request):
        return JsonResponse({"error": refusal}, status=HTTPStatus.CONFLICT)
    messages.error(request, refusal)
    return redirect(theory)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _vote_page(request, pk) -> str:
    """The theory's page, asking to cast the vote that was chosen (up, down or not said)."""
    theory = get_object_or_404(Theory.objects.visible_to(request.user), pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    form = VoteForm(data)
    chosen = VOTE_DIRECTIONS.get(form.cleaned_data["value"], "") if form.is_valid() else ""
    return f"{theory.get_absolute_url()}?{urlencode({'vote': chosen})}#{CAST_VOTE_ANCHOR}"


def _refused_vote(request, retry_after: int):
    """A vote over the fan's rate limit: JSON for the page's script, else the page."""
    if _wants_json(request):
        return JsonResponse(
            {"error": _("Too many votes; wait a moment.")},
            status=HTTPStatus.TOO_MANY_REQUESTS,
            headers={"Retry-After": str(retry_after)},
        )
    return too_many_requests(request, retry_after=retry_after)


@action(page=_vote_page)
def vote(request, pk):
    # No read of the theory here: the service checks that the fan may see it in the
    # statement that locks it, and the page's script needs only the counts. The rarer
    # answers that name the theory's page read it then.
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("A vote is up, down or clear."))
    if retry_after := check_rate(action="vote", key=request.user.pk):
        return _refused_vote(request, retry_after)
    value = form.cleaned_data["value"]
    try:
        counts = services.cast_vote(user=request.user, theory_id=pk, value=value)
    except Theory.DoesNotExist:
        raise Http404 from None
    except services.OwnTheoryVoteError:
        return _own_vote_refused(request, _visible_theory(request, pk))
    except services.WithdrawnError:
        return _withdrawn_refused(request, _visible_theory(request, pk))
    if _wants_json(request):
        return JsonResponse(
            {
                "score": counts.score,
                "upvotes": counts.upvotes,
                "downvotes": counts.downvotes,
                "my_vote": value,
            }
        )
    return redirect_back(request, _visible_theory(request, pk).get_absolute_url())


def _visible_theory(request, pk) -> Theory:
    return get_object_or_404(Theory.objects.visible_to(request.user), pk=pk)


def _comment_of(request, pk) -> str:
    return reverse("guide:comment", args=[pk])


@action(page=_comment_of)
def comment_vote(request, pk):
    """Vote on a comment as on a theory: a plain form, or JSON for the page's script."""
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("A vote is up, down or clear."))
    if retry_after := check_rate(action="vote", key=request.user.pk):
        return _refused_vote(request, retry_after)
    value = form.cleaned_data["value"]
    try:
        counts = services.cast_comment_vote(user=request.user, comment_id=pk, value=value)
    except (Comment.DoesNotExist, services.CommentGone):
        raise Http404 from None
    except (services.OwnCommentVoteError, services.WithdrawnError):
        refusal = _("You cannot vote on this comment.")
        if _wants_json(request):
            return JsonResponse({"error": refusal}, status=HTTPStatus.FORBIDDEN)
        messages.error(request, refusal)
        return redirect_back(request, _comment_of(request, pk))
    if _wants_json(request):
        return JsonResponse({"score": counts.score, "my_vote": value})
    return redirect_back(request, _comment_of(request, pk))


def _own_vote_refused(request, theory):
    refusal = _("You cannot vote on your own theory.")
    if _wants_json(request):
        return JsonResponse({"error": refusal}, status=HTTPStatus.FORBIDDEN)
    messages.error(request, refusal)
    return redirect(theory)


def _comment_form_of(request, pk) -> str:
    theory = get_object_or_404(Theory.objects.visible_to(request.user), pk=pk)
    return f"{theory.get_absolute_url()}#{COMMENT_FORM_ANCHOR}"


@action(page=_comment_form_of)
def comment_create(request, pk):
    theory = get_object_or_404(
        Theory.objects.for_page(request.user).with_last_season().with_marks_of(request.user),
        pk=pk,
    )
    if not permissions.can_comment(request.user, theory):
        return _withdrawn_refused(request, theory)
    # The comment's theory is known before validation: its spoiler season is checked against it.
    form = CommentForm(
        request.POST,
        instance=Comment(theory=theory, author=request.user),
        last_season=theory.show_last_season,
    )
    if form.wants_preview:
        preview = form.preview()
        return _theory_page(request, theory, form, preview=preview)
    if form.is_valid():
        retry_after = check_rate(action="comment", key=request.user.pk)
        if retry_after:
            return too_many_requests(
                request, retry_after=retry_after, kept={_("Comment"): form.cleaned_data["body"]}
            )
        try:
            comment = services.post_comment(
                author=request.user,
                theory=theory,
                body=form.cleaned_data["body"],
                spoiler_season=form.cleaned_data["spoiler_season"],
            )
        except services.WithdrawnError:  # withdrawn while the fan was typing
            return _withdrawn_refused(request, theory)
        messages.success(request, _("Your comment is posted."))
        return redirect(comment)
    return _theory_page(request, theory, form, status=HTTPStatus.BAD_REQUEST)


@cache_for_visitors(topics=[], params=["page", "sort"], fans=True)
def comment_detail(request, pk):
    """A comment's own page: the comment, its replies in threads, and the way back up."""
    order = _comment_order(request)
    thread = selectors.comment_thread(
        pk=pk, user=request.user, order=order, page=request.GET.get("page")
    )
    theory, comment = thread.theory, thread.comment
    # Named once the comment's theory is known (core.pagecache: a write during this
    # render may be missed for one page lifetime at most).
    depends_on(request, topics.theory(theory.pk))
    depends_on(request, *map(topics.fan, _authors(theory, [comment])))
    return render(
        request,
        "guide/comment_detail.html",
        {
            "theory": theory,
            "show": theory.season.show,
            "comment": comment,
            "thread": [comment],
            "page_obj": thread.page,
            "comment_order": order,
            "comment_orders": CommentOrder.choices,
            "comment_order_query": _order_query(order),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_reply(request, pk):
    """Answer a comment: the comment, then a form for the reply (works without scripts)."""
    parent = selectors.reply_target(pk=pk, user=request.user)
    theory = parent.theory
    if not parent.readable:  # a stand-in for a hidden or deleted comment takes no replies
        raise PermissionDenied
    if not permissions.can_comment(request.user, theory):
        return _withdrawn_refused(request, theory)
    reply = Comment(theory=theory, author=request.user, parent=parent)
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        instance=reply,
        last_season=theory.show_last_season,
    )
    form.fields["body"].label = _("Your reply")
    preview, status = None, HTTPStatus.OK
    if request.method == "POST":
        if form.wants_preview:
            preview = form.preview()
        elif form.is_valid():
            if limited := rate_limited(request, action="comment", kept=typed_text(form, "body")):
                return limited
            try:
                reply = services.post_comment(
                    author=request.user,
                    theory=theory,
                    parent=parent,
                    body=form.cleaned_data["body"],
                    spoiler_season=form.cleaned_data["spoiler_season"],
                )
            except services.WithdrawnError:  # withdrawn while the fan was typing
                return _withdrawn_refused(request, theory)
            except services.ThreadTooDeep:
                form.add_error(
                    None, _("This thread is as deep as threads go: answer a comment higher up.")
                )
                status = HTTPStatus.CONFLICT
            except services.ReplyTargetGone:
                form.add_error(
                    None, _("That comment was deleted while you wrote: copy your reply to keep it.")
                )
                status = HTTPStatus.CONFLICT
            else:
                messages.success(request, _("Your reply is posted."))
                return redirect(parent.get_absolute_url() + f"#comment-{reply.pk}")
        else:
            status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "guide/comment_reply.html",
        {
            "theory": theory,
            "show": theory.season.show,
            "parent": parent,
            "thread": [parent],
            "form": form,
            "preview": preview,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = get_object_or_404(
        Comment.objects.select_related("theory__season__show").with_last_season(),
        pk=pk,
        author=request.user,
    )
    preview = None
    if request.method == "POST":
        form = CommentForm(request.POST, instance=comment, last_season=comment.show_last_season)
        if form.wants_preview:
            preview, status = form.preview(), HTTPStatus.OK
        elif form.is_valid():
            if limited := rate_limited(request, action="edit", kept=typed_text(form, "body")):
                return limited
            services.edit_comment(
                comment=comment,
                body=form.cleaned_data["body"],
                spoiler_season=form.cleaned_data["spoiler_season"],
            )
            messages.success(request, _("Your comment is updated."))
            return redirect(comment)
        else:
            status = HTTPStatus.BAD_REQUEST
    else:
        form = CommentForm(instance=comment, last_season=comment.show_last_season)
        status = HTTPStatus.OK
    return render(
        request,
        "guide/comment_form.html",
        {"form": form, "comment": comment, "preview": preview},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    comment = get_object_or_404(
        Comment.objects.select_related("theory"), pk=pk, author=request.user
    )
    if request.method == "POST":
        if limited := rate_limited(request, action="delete"):
            return limited
        theory = comment.theory
        services.delete_comment(comment=comment)
        messages.success(request, _("Your comment is deleted."))
        return redirect(theory)
    return render(request, "guide/confirm_delete.html", {"item": comment, "kind": _("comment")})


def _reported_item(request, kind, pk) -> tuple:
    """The theory or comment being reported, and the service's keyword naming it."""
    if kind == "theory":
        item = get_object_or_404(Theory.objects.visible_to(request.user), pk=pk)
        return item, {"theory": item}
    item = get_object_or_404(
        Comment.objects.visible_to(request.user).filter(
            theory__in=Theory.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    return item, {"comment": item}


@login_required
@require_http_methods(["GET", "POST"])
def report(request, kind, pk):
    item, target = _reported_item(request, kind, pk)
    if getattr(item, "author_id", None) == request.user.pk:
        raise PermissionDenied
    if kind == "theory" and not permissions.is_open(item):
        return _withdrawn_refused(request, item)
    # The fan's open report comes back filled in: saving changes it.
    mine = selectors.open_report_of(reporter=request.user, **target)
    initial = {"reason": mine.reason, "note": mine.note} if mine else {}
    form = ReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if retry_after := check_rate(action="report", key=request.user.pk):
            return too_many_requests(
                request, retry_after=retry_after, kept={_("Note"): form.cleaned_data["note"]}
            )
        try:
            filed = services.save_report(
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                **target,
            )
        except services.WithdrawnError:  # withdrawn while the fan was writing
            return _withdrawn_refused(request, item)
        if filed:
            messages.success(request, _("Thank you. The moderators will look at it."))
        else:
            messages.success(request, _("Your report is updated."))
        return redirect(item)
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK
    return render(
        request,
        "guide/report_form.html",
        {
            "form": form,
            "item": item,
            "kind": kind,
            "mine": mine,
            "action": reverse(f"guide:report_{kind}", args=[pk]),
        },
        status=status,
    )
