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
from core.seo import PageMeta, absolute
from guide import cards, permissions, selectors, services
from guide.forms import ForecastForm, PredictionForm
from guide.models import Prediction, Theory


@require_http_methods(["GET", "HEAD", "POST"])
def prediction_detail(request, pk):
    """The claim, its criteria, the crowd and how it moved, the reader's own forecasts,
    and the resolution; a signed-in fan forecasts here (POST)."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = selectors.prediction_page(pk=pk, user=request.user)
    prediction = page.prediction
    now = timezone.now()
    may_forecast = permissions.can_forecast(request.user, prediction, now=now)
    closes = prediction.season.forecasts_close_at
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
    open_for_claims = permissions.forecasts_open_for(theory.season, now=timezone.now())
    form = PredictionForm(request.POST if request.method == "POST" else None, season=theory.season)
    if request.method == "POST" and open_for_claims and form.is_valid():
        kept = typed_text(form, "claim", "criteria")
        if limited := rate_limited(request, action="prediction", kept=kept):
            return limited
        try:
            prediction = services.state_prediction(
                user=request.user,
                theory=theory,
                claim=form.cleaned_data["claim"],
                criteria=form.cleaned_data["criteria"],
                percent=form.cleaned_data["percent"],
                spoiler_season=form.cleaned_data["spoiler_season"],
            )
        except services.ForecastsClosed:
            open_for_claims = False
        else:
            messages.success(request, _("Your prediction is stated."))
            return redirect(prediction)
    return render(
        request,
        "guide/prediction_form.html",
        {
            "theory": theory,
            "form": form,
            "open_for_claims": open_for_claims,
            "page_meta": PageMeta(
                title=_("State a prediction"),
                description=_("A claim your theory's season will settle, and how likely it is."),
                robots="noindex",
            ),
        },
        status=HTTPStatus.BAD_REQUEST if form.errors or not open_for_claims else HTTPStatus.OK,
    )


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
        cards.called_it_png(prediction=prediction, score=score), content_type="image/png"
    )
