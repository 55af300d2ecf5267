"""Predictions in the admin: editors ask the community's questions and say when an
answer became public; moderators resolve predictions against a Fact or a source, which
scores every counted forecast (guide.services.resolve_prediction)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from guide import permissions, services
from guide.admin.moderation import ViewOnlyAdminMixin
from guide.models import (
    CrowdBucket,
    CrowdDay,
    Fact,
    Forecast,
    ForecastBoardRow,
    ForecastScore,
    Prediction,
    Resolution,
    TheoryBoardRow,
)

EDITOR_FIELDS = ["season", "claim", "criteria", "spoiler_season", "known_at"]
RESOLUTION_FIELDS = ["resolution", "resolution_fact", "resolution_source_url", "resolution_note"]
SHOWN = [
    "theory",
    "author",
    "created_at",
    *EDITOR_FIELDS,
    "facts_since",
    *RESOLUTION_FIELDS,
    "resolved_by",
]


def _facts_since():
    """The facts of the prediction's season added or changed since it was stated."""
    return Fact.objects.filter(season=OuterRef("season"), updated_at__gt=OuterRef("created_at"))


class MaySettleFilter(admin.SimpleListFilter):
    """Open predictions whose season has facts newer than them: what may settle them."""

    title = _("may be settled by a fact")
    parameter_name = "facts_since"

    def lookups(self, request, model_admin):
        return [("yes", _("Open, with newer facts about its season"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolution=Resolution.OPEN, newer_facts__gt=0)
        return queryset


class PredictionAdminForm(forms.ModelForm):
    class Meta:
        model = Prediction
        fields = [*EDITOR_FIELDS, *RESOLUTION_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fact = self.fields.get("resolution_fact")
        if fact is not None and self.instance.season_id:
            # A fact of the prediction's own show.
            fact.queryset = Fact.objects.filter(
                season__show_id=self.instance.season.show_id
            ).select_related("season")

    def clean(self):
        cleaned = super().clean()
        instance, changed = self.instance, set(self.changed_data)
        season = cleaned.get("season") or (instance.season if instance.season_id else None)
        locked = season is not None and not permissions.forecasts_open_for(
            season, now=timezone.now()
        )
        if locked and instance.pk and {"claim", "criteria"} & changed:
            self.add_error(
                "claim", _("This season's forecasts are locked: its claims stay as they are.")
            )
        elif instance.pk and instance.is_resolved and {"claim", "criteria"} & changed:
            self.add_error("claim", _("It is resolved: its claim stays as it was settled."))
        resolution = cleaned.get("resolution")
        if resolution in (Resolution.YES, Resolution.NO) and not (
            cleaned.get("resolution_fact") or cleaned.get("resolution_source_url")
        ):
            self.add_error(
                "resolution_fact", _("Cite the fact, or give a source, that settles it.")
            )
        return cleaned


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    form = PredictionAdminForm
    list_display = ["claim", "season", "is_question", "resolution", "newer_facts", "created_at"]
    list_filter = [MaySettleFilter, "resolution", "season__show"]
    list_select_related = ["season__show"]
    search_fields = ["claim", "criteria"]
    fields = SHOWN

    @admin.display(description=_("question"), boolean=True)
    def is_question(self, obj):
        return obj.is_question

    def get_queryset(self, request):
        newer = _facts_since().order_by().values("season").annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(newer_facts=Coalesce(Subquery(newer), 0))

    @admin.display(description=_("newer facts"), ordering="newer_facts")
    def newer_facts(self, obj):
        return obj.newer_facts

    @admin.display(description=_("facts about its season since it was stated"))
    def facts_since(self, obj):
        facts = Fact.objects.filter(season=obj.season_id, updated_at__gt=obj.created_at)
        return (
            format_html_join(
                ", ", "“{}” ({})", ((fact.question, fact.updated_at.date()) for fact in facts)
            )
            or "–"
        )

    def _editor(self, request) -> bool:
        return request.user.has_perm("guide.add_prediction")

    def get_readonly_fields(self, request, obj=None):
        editable = set()
        if self._editor(request):
            # A theory's claims are its author's; editors date when an answer got out.
            editable |= set(EDITOR_FIELDS) if obj is None or obj.is_question else {"known_at"}
            if obj is not None and obj.forecasts.exists():
                editable.discard("season")  # its forecasts were made under that season's lock
        if obj is not None and permissions.is_moderator(request.user):
            editable |= set(RESOLUTION_FIELDS)
        return [name for name in SHOWN if name not in editable]

    def get_fields(self, request, obj=None):
        if obj is None:  # a new question: nothing to resolve yet
            return EDITOR_FIELDS
        return SHOWN

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        reworded = change and {"claim", "criteria", "spoiler_season"} & set(form.changed_data)
        if reworded:
            # Through the service, which keeps the wording it had on its history page.
            services.edit_question(
                prediction=obj,
                claim=obj.claim,
                criteria=obj.criteria,
                spoiler_season=obj.spoiler_season,
            )
        super().save_model(request, obj, form, change)
        if obj.is_resolved and "known_at" in form.changed_data:
            scored = services.rescore_prediction(prediction=obj)
            self._tell_scored(request, scored)
        if set(RESOLUTION_FIELDS) & set(form.changed_data):
            scored = services.resolve_prediction(
                moderator=request.user,
                prediction=obj,
                resolution=obj.resolution,
                fact=obj.resolution_fact,
                source_url=obj.resolution_source_url,
                note=obj.resolution_note,
            )
            self._tell_scored(request, scored)

    def _tell_scored(self, request, scored: int) -> None:
        message = ngettext(
            "%(count)d forecast is scored.", "%(count)d forecasts are scored.", scored
        )
        self.message_user(request, message % {"count": scored}, messages.SUCCESS)


@admin.register(Forecast)
class ForecastAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans' forecasts, every change kept, written by guide.services."""

    list_display = ["prediction", "user", "percent", "current", "created_at"]
    list_filter = ["current"]
    list_select_related = ["prediction", "user"]
    search_fields = ["prediction__claim", "user__username"]
    date_hierarchy = "created_at"


@admin.register(ForecastScore)
class ForecastScoreAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: what each counted forecast scored, written when a prediction resolves."""

    list_display = ["prediction", "user", "percent", "happened", "brier", "peer_score"]
    list_select_related = ["prediction", "user"]
    search_fields = ["prediction__claim", "user__username"]


@admin.register(TheoryBoardRow)
class TheoryBoardRowAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: each fan's row on each board of theories that came true, recounted by
    guide.services whenever a write changes what it counts."""

    list_display = ["user", "scope", "confirmed", "partly", "debunked"]
    list_select_related = ["user"]
    search_fields = ["user__username", "scope"]


@admin.register(ForecastBoardRow)
class ForecastBoardRowAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: each fan's row on each forecasters' board, recounted as above."""

    list_display = ["user", "scope", "scored", "mean_peer", "mean_brier"]
    list_select_related = ["user"]
    search_fields = ["user__username", "scope"]


@admin.register(CrowdBucket)
class CrowdBucketAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: how many fans' current forecasts on a prediction say each per cent,
    kept by guide.services as forecasts are made."""

    list_display = ["prediction", "percent", "forecasters"]
    list_select_related = ["prediction"]
    search_fields = ["prediction__claim"]


@admin.register(CrowdDay)
class CrowdDayAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: a prediction's crowd at the end of each day that had forecasts."""

    list_display = ["prediction", "day", "median", "forecasters"]
    list_select_related = ["prediction"]
    search_fields = ["prediction__claim"]
    date_hierarchy = "day"
