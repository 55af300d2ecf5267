"""Predictions: a claim's page with the crowd's forecast, fans' forecasts, the theory
author's new claims, and the community questions. Thin views over guide.services."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from core.errors import rate_limited
from core.forms import typed_text
from core.pagecache import cache_for_visitors, lasts_until, rendering_for_fans
from core.seo import PageMeta, absolute
from guide import cards, permissions, selectors, services, topics
from guide.forms import ForecastForm, PredictionForm, PredictionRewordForm
from guide.models import Prediction, Theory

# Writes and the lock make a prediction's page stale; this bounds how long one is kept.
PREDICTION_PAGE_SECONDS = 600


@require_http_methods(["GET", "HEAD", "POST"])
# Shared with fans, whose own forecasts, form and score are holes filled as the page is
# served ({% prediction_own %}). The claim's theory may be hidden or retagged meanwhile:
# those touch THEORIES. It shows no counts that age out, so it is kept until a write
# moves one of its topics, or its forecasts lock.
@cache_for_visitors(
    topics=lambda pk, **_: [topics.prediction(pk), topics.THEORIES],
    fans=True,
    seconds=PREDICTION_PAGE_SECONDS,
)
def prediction_detail(request, pk):
    """The claim, its criteria, the crowd and how it moved, the reader's own forecasts,
    and the resolution; a signed-in fan forecasts here (POST)."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = selectors.prediction_page(pk=pk, user=request.user, own=not rendering_for_fans(request))
    prediction = page.prediction
    now = timezone.now()
    may_forecast = permissions.can_forecast(request.user, prediction, now=now)
    closes = prediction.season.forecasts_close_at
    if closes is not None and now < closes:
        lasts_until(request, closes)  # the form goes, and "lock" becomes "locked"
    current = page.mine[-1].percent if page.mine else None
    form = ForecastForm(initial={"percent": current})
    status = HTTPStatus.OK
    if request.method == "POST":
        form = ForecastForm(request.POST)
        if not may_forecast:
            form.is_valid()
            form.add_error(None, _("This prediction takes no more forecasts."))
        elif form.is_valid():
            kept = typed_text(form, "percent")
            if limited := rate_limited(request, action="forecast", kept=kept):
                return limited
            try:
                services.forecast(
                    user=request.user, prediction=prediction, percent=form.cleaned_data["percent"]
                )
            except services.ForecastsClosed:
                form.add_error(None, _("This prediction takes no more forecasts."))
            else:
                messages.success(request, _("Your forecast is saved."))
                return redirect(prediction)
        status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "guide/prediction_detail.html",
        {
            "page": page,
            "prediction": prediction,
            "form": form,
            "may_forecast": may_forecast,
            "may_reword": permissions.can_reword(request.user, prediction, now=now),
            "closes": closes,
            "locked": closes is not None and now >= closes,
            "page_meta": PageMeta(
                image=absolute(request, reverse("guide:prediction_card", args=[prediction.pk]))
                if selectors.called_it(prediction)
                else "",
                image_alt=_("A share card: who called it, how sure they were, and when."),
                title=_("Prediction: %(claim)s") % {"claim": prediction.claim}
                if prediction.claim_season is None
                else _("A prediction about %(show)s season %(number)s")
                % {"show": prediction.season.show.title, "number": prediction.season.number},
                description=_("Fans' forecasts for a claim about %(show)s, and how it resolved.")
                % {"show": prediction.season.show.title},
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def prediction_create(request, pk):
    """A theory's author states a claim its season will settle, with their probability."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    theory = get_object_or_404(
        Theory.objects.visible_to(request.user).select_related("season__show"), pk=pk
    )
    if theory.author_id != request.user.pk or not permissions.is_open(theory):
        raise PermissionDenied
    form = PredictionForm(request.POST if request.method == "POST" else None, season=theory.season)

    def save(data):
        return services.state_prediction(
            user=request.user,
            theory=theory,
            claim=data["claim"],
            criteria=data["criteria"],
            percent=data["percent"],
            spoiler_season=data["spoiler_season"],
        )

    return _claim_form(
        request,
        form,
        is_open=permissions.forecasts_open_for(theory.season, now=timezone.now()),
        action="prediction",
        save=save,
        success=_("Your prediction is stated."),
        template="guide/prediction_form.html",
        context={
            "theory": theory,
            "page_meta": PageMeta(
                title=_("State a prediction"),
                description=_("A claim your theory's season will settle, and how likely it is."),
                robots="noindex",
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def prediction_edit(request, pk):
    """A theory's author rewords their claim before the season's lock; every wording it
    had stays on its history page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    prediction = get_object_or_404(
        Prediction.objects.visible_to(request.user).select_related("season__show", "theory"),
        pk=pk,
    )
    if prediction.is_question or prediction.author_id != request.user.pk:
        raise PermissionDenied
    initial = {name: getattr(prediction, name) for name in ("claim", "criteria", "spoiler_season")}
    form = PredictionRewordForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        season=prediction.season,
    )

    def save(data):
        return services.edit_prediction(
            user=request.user,
            prediction=prediction,
            claim=data["claim"],
            criteria=data["criteria"],
            spoiler_season=data["spoiler_season"],
        )

    return _claim_form(
        request,
        form,
        is_open=permissions.can_reword(request.user, prediction, now=timezone.now()),
        action="edit",
        save=save,
        success=_("Your changes are saved."),
        template="guide/prediction_edit.html",
        context={
            "prediction": prediction,
            "page_meta": PageMeta(
                title=_("Reword a prediction"),
                description=_("Change the claim before its season's forecasts lock."),
                robots="noindex",
            ),
        },
    )


def _claim_form(request, form, *, is_open, action, save, success, template, context):
    """A claim's form, to state or to reword it: saved (by `save`, from the cleaned
    data) while its season takes forecasts; on any refusal the page keeps what was typed."""
    if request.method == "POST" and is_open and form.is_valid():
        kept = typed_text(form, "claim", "criteria")
        if limited := rate_limited(request, action=action, kept=kept):
            return limited
        try:
            prediction = save(form.cleaned_data)
        except services.ForecastsClosed:
            is_open = False
        else:
            messages.success(request, success)
            return redirect(prediction)
    status = HTTPStatus.BAD_REQUEST if form.errors or not is_open else HTTPStatus.OK
    return render(request, template, {**context, "form": form, "is_open": is_open}, status=status)


def question_list(request):
    """The questions the editors ask every fan, open ones first."""
    return render(
        request,
        "guide/question_list.html",
        {
            "questions": selectors.questions(user=request.user),
            "page_meta": PageMeta(
                title=_("Questions"),
                description=_("Questions about coming seasons that every fan can forecast."),
            ),
        },
    )


@cache_control(public=True, max_age=3600)
def prediction_card(request, pk):
    """The share card of a claim that came true (guide.cards), as a PNG."""
    prediction = get_object_or_404(
        Prediction.objects.visible_to(request.user).select_related("season__show", "author"),
        pk=pk,
    )
    score = selectors.called_it(prediction)
    if score is None:
        raise Http404
    return HttpResponse(
        cards.png(cards.called_it_lines, prediction=prediction, score=score),
        content_type="image/png",
    )
