"""The editors' and moderators' desk.

Content (shows, seasons, episodes, people, characters, facts) is edited here by the
Editors group. Fan content (theories, comments, reports) and the moderation log are
read-mostly: moderation decisions go through guide.services as admin actions, so that
each one is recorded in the append-only ModerationAction log.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, When
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from guide import pagecache, services
from guide.models import (
    Character,
    CharacterStatus,
    Comment,
    Episode,
    Fact,
    ModerationAction,
    Outcome,
    Person,
    Report,
    ReportStatus,
    Season,
    Show,
    Theory,
    Vote,
    WatchProgress,
)

PREVIEW_WIDTH = 240  # pixels; the preview keeps the image's aspect ratio


def image_preview(image, alt: str, width: int | None, height: int | None):
    """An <img> of an uploaded image, sized by attributes (the CSP forbids inline style)."""
    if not image:
        return _("No image uploaded.")
    attrs_width = min(width or PREVIEW_WIDTH, PREVIEW_WIDTH)
    attrs_height = round(height * attrs_width / width) if width and height else ""
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        image.url,
        alt,
        attrs_width,
        attrs_height,
    )


class ContentAdmin(admin.ModelAdmin):
    """Editors' content: any change makes the visitors' page cache stale."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(pagecache.bump)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(pagecache.bump)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(pagecache.bump)


class ViewOnlyAdminMixin:
    """Rows that only services write: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Every field read-only and no adding: rows are written by the site or by services."""

    def get_readonly_fields(self, request, obj=None):
        opts = self.model._meta
        # Rendered HTML is a cache of the Markdown body; showing both says nothing new.
        fields = [f.name for f in [*opts.fields, *opts.many_to_many] if f.name != "body_html"]
        return [*fields, *super().get_readonly_fields(request, obj)]

    def has_add_permission(self, request):
        return False


# Shows -------------------------------------------------------------------------------


class SeasonInline(admin.TabularInline):
    model = Season
    fields = ["number", "title", "status", "release_date", "episode_count"]
    extra = 0
    show_change_link = True


class CharacterInline(admin.TabularInline):
    model = Character
    # Portraits (with their required description) are edited on the character's own page.
    fields = ["name", "slug", "native_name", "actor", "role", "billing_order"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["actor"]
    extra = 0
    show_change_link = True


@admin.register(Show)
class ShowAdmin(ContentAdmin):
    list_display = [
        "title",
        "original_title",
        "platform",
        "season_count",
        "is_published",
        "is_featured",
        "updated_at",
    ]
    list_filter = ["is_published", "is_featured", "platform"]
    search_fields = ["title", "original_title", "source_title", "source_original_title"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["title"]  # the season count's GROUP BY drops Meta.ordering
    readonly_fields = ["poster_preview", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "original_title",
                    "slug",
                    "tagline",
                    "is_published",
                    "is_featured",
                ]
            },
        ),
        (
            _("About the show"),
            {"fields": ["synopsis", "platform", "creators", "genres", "content_advisories"]},
        ),
        (
            _("Source material"),
            {
                "fields": [
                    "source_title",
                    "source_original_title",
                    "source_author",
                    "source_kind",
                    "source_length",
                ]
            },
        ),
        (_("Poster"), {"fields": ["poster", "poster_alt", "poster_preview"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [SeasonInline, CharacterInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(season_count=Count("seasons"))

    @admin.display(description=_("seasons"), ordering="season_count")
    def season_count(self, obj):
        return obj.season_count

    @admin.display(description=_("current poster"))
    def poster_preview(self, obj):
        return image_preview(obj.poster, obj.poster_alt, obj.poster_width, obj.poster_height)


# Seasons and episodes ------------------------------------------------------------------


class FactInline(admin.StackedInline):
    model = Fact
    fields = [
        ("question", "kind"),
        "answer",
        ("quote", "quoted_person"),
        ("source_name", "source_url", "source_date"),
        ("last_verified_on", "spoiler_season"),
        ("milestone", "happened_on"),
        "order",
    ]
    autocomplete_fields = ["quoted_person"]
    extra = 0
    show_change_link = True


class EpisodeInline(admin.TabularInline):
    model = Episode
    fields = ["number", "title", "runtime", "release_date"]
    extra = 0


@admin.register(Season)
class SeasonAdmin(ContentAdmin):
    list_display = [
        "__str__",
        "show",
        "number",
        "status",
        "release_date",
        "renewal_announced_on",
        "episode_count",
    ]
    list_display_links = ["__str__"]
    list_filter = ["status", "show"]
    list_select_related = ["show"]
    search_fields = ["show__title", "show__original_title", "title", "number"]
    autocomplete_fields = ["show"]
    date_hierarchy = "release_date"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["show", "number", "title", "status", "synopsis"]}),
        (_("Dates"), {"fields": ["renewal_announced_on", "release_date"]}),
        (_("Episodes"), {"fields": ["episode_count", "typical_runtime"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [FactInline, EpisodeInline]


@admin.register(Episode)
class EpisodeAdmin(ContentAdmin):
    list_display = ["__str__", "season", "number", "title", "runtime", "release_date"]
    list_filter = ["season__show"]
    list_select_related = ["season__show"]
    search_fields = ["title", "season__show__title"]
    autocomplete_fields = ["season"]
    date_hierarchy = "release_date"


# People and characters --------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ["name", "native_name", "slug", "role_count", "updated_at"]
    search_fields = ["name", "native_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]  # the role count's GROUP BY drops Meta.ordering
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(role_count=Count("roles"))

    @admin.display(description=_("roles"), ordering="role_count")
    def role_count(self, obj):
        return obj.role_count


class CharacterStatusFormSet(BaseInlineFormSet):
    """A status must be for a season of the character's own show, also on the add page."""

    def clean(self):
        super().clean()
        show_id = self.instance.show_id
        for form in self.forms:
            season = form.cleaned_data.get("season") if hasattr(form, "cleaned_data") else None
            if season is None or form.cleaned_data.get("DELETE") or show_id is None:
                continue
            if season.show_id != show_id:
                form.add_error(
                    "season",
                    ValidationError(
                        _("Pick a season of the character's own show."), code="other_show"
                    ),
                )


class CharacterStatusInline(admin.TabularInline):
    model = CharacterStatus
    formset = CharacterStatusFormSet
    fields = ["season", "status", "note"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        season = formset.form.base_fields.get("season")
        if obj is not None and season is not None:
            # A show has a handful of seasons: a short select beats an autocomplete here.
            season.queryset = season.queryset.filter(show_id=obj.show_id)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "season":
            kwargs["queryset"] = Season.objects.select_related("show")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Character)
class CharacterAdmin(ContentAdmin):
    list_display = ["name", "native_name", "show", "actor", "role", "billing_order"]
    list_filter = ["show", "role"]
    list_select_related = ["show", "actor"]
    search_fields = ["name", "native_name", "aliases", "actor__name", "actor__native_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["show", "actor"]
    readonly_fields = ["portrait_preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["show", "name", "slug", "native_name", "aliases", "description"]}),
        (_("Cast"), {"fields": ["actor", "role", "billing_order"]}),
        (_("Portrait"), {"fields": ["portrait", "portrait_alt", "portrait_preview"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [CharacterStatusInline]

    @admin.display(description=_("current portrait"))
    def portrait_preview(self, obj):
        return image_preview(
            obj.portrait, obj.portrait_alt, obj.portrait_width, obj.portrait_height
        )


@admin.register(CharacterStatus)
class CharacterStatusAdmin(ContentAdmin):
    list_display = ["character", "season", "status", "note"]
    list_filter = ["status", "season__show"]
    list_select_related = ["character", "season__show"]
    search_fields = ["character__name", "character__native_name", "note"]
    autocomplete_fields = ["character", "season"]


# Facts --------------------------------------------------------------------------------------


@admin.register(Fact)
class FactAdmin(ContentAdmin):
    list_display = [
        "question",
        "season",
        "kind",
        "milestone",
        "happened_on",
        "source_name",
        "last_verified_on",
        "order",
    ]
    list_filter = ["kind", "milestone", "season__show"]
    list_select_related = ["season__show"]
    search_fields = ["question", "answer", "quote", "source_name"]
    autocomplete_fields = ["season", "quoted_person"]
    date_hierarchy = "source_date"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["season", "question", "answer", "kind", "order", "spoiler_season"]}),
        (_("Quotation"), {"fields": ["quote", "quoted_person"]}),
        (_("Source"), {"fields": ["source_name", "source_url", "source_date", "last_verified_on"]}),
        (_("Timeline"), {"fields": ["milestone", "happened_on"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


# Fan content and moderation -------------------------------------------------------------------


class SeasonListFilter(admin.RelatedFieldListFilter):
    """Filter by season, naming each with its show in one query (not one per season)."""

    def field_choices(self, field, request, model_admin):
        seasons = Season.objects.select_related("show").order_by("show__title", "number")
        return [(season.pk, str(season)) for season in seasons]


class ModerationForm(forms.ModelForm):
    """The moderators' fields on a theory or comment, and the reason for the public log."""

    moderation_reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Why you hid, restored or settled it. Shown in the public moderation log."),
    )

    def clean(self):
        cleaned = super().clean()
        if "is_hidden" in self.changed_data and not cleaned.get("moderation_reason", "").strip():
            self.add_error("moderation_reason", _("Say why, for the moderation log."))
        return cleaned


class TheoryModerationForm(ModerationForm):
    class Meta:
        model = Theory
        fields = ["is_hidden", "outcome", "outcome_note", "outcome_source_url"]

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if (
            "outcome" in self.changed_data
            and outcome != Outcome.OPEN
            and not self.instance.season.is_released
        ):
            self.add_error("outcome", _("Settle a theory only once its season has been released."))
        return cleaned


class CommentModerationForm(ModerationForm):
    class Meta:
        model = Comment
        fields = ["is_hidden"]


class ModeratedAdminMixin:
    """Moderators change only the moderation fields; each change goes through services."""

    moderation_fields: list[str] = []

    def can_moderate(self, request) -> bool:
        return request.user.has_perm("guide.moderate_theory")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.can_moderate(request):
            fields = [name for name in fields if name not in self.moderation_fields]
        return fields

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "moderation_reason"]
        if self.can_moderate(request):
            fields.append("moderation_reason")
        return fields

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("moderation_reason", "")
        if "is_hidden" in form.changed_data:
            services.set_hidden(
                moderator=request.user, item=obj, hidden=obj.is_hidden, reason=reason
            )
        self.save_moderation(request, obj, form, reason)

    def save_moderation(self, request, obj, form, reason):
        pass

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is editable here


@admin.register(Theory)
class TheoryAdmin(ModeratedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    form = TheoryModerationForm
    moderation_fields = ["is_hidden", "outcome", "outcome_note", "outcome_source_url"]
    list_display = ["title", "author", "season", "outcome", "is_hidden", "score", "created_at"]
    list_filter = ["outcome", "is_hidden", ("season", SeasonListFilter)]
    list_select_related = ["author", "season__show"]
    search_fields = ["title", "body", "author__username", "author__display_name"]
    date_hierarchy = "created_at"

    def save_moderation(self, request, obj, form, reason):
        if {"outcome", "outcome_note", "outcome_source_url"} & set(form.changed_data):
            services.set_outcome(
                moderator=request.user,
                theory=obj,
                outcome=obj.outcome,
                note=obj.outcome_note,
                source_url=obj.outcome_source_url,
            )


@admin.register(Comment)
class CommentAdmin(ModeratedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    form = CommentModerationForm
    moderation_fields = ["is_hidden"]
    list_display = ["excerpt", "author", "theory", "is_hidden", "spoiler_season", "created_at"]
    list_filter = ["is_hidden"]
    list_select_related = ["author", "theory"]
    search_fields = ["body", "author__username", "author__display_name", "theory__title"]
    date_hierarchy = "created_at"

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The queue: open reports first, with the reported text beside each."""

    list_display = [
        "reported_text",
        "reason",
        "note",
        "status",
        "reporter",
        "created_at",
        "resolved_by",
    ]
    list_filter = ["status", "reason"]
    # __str__ (used by the action checkboxes) names the comment author.
    list_select_related = ["reporter", "theory", "comment__author", "resolved_by"]
    search_fields = ["note", "reporter__username", "theory__title", "comment__body"]
    date_hierarchy = "created_at"
    actions = ["hide_and_resolve", "dismiss"]

    def get_ordering(self, request):
        open_first = Case(When(status=ReportStatus.OPEN, then=0), default=1)
        return [open_first.asc(), "-created_at"]

    @admin.display(description=_("reported text"))
    def reported_text(self, obj):
        target = obj.theory or obj.comment
        text = obj.theory.title if obj.theory else obj.comment.body
        hidden = _(" (hidden)") if target.is_hidden else ""
        return f"{Truncator(text).chars(120)}{hidden}"

    def has_moderate_permission(self, request):
        return request.user.has_perm("guide.moderate_theory")

    @admin.action(permissions=["moderate"], description=_("Hide the reported items and resolve"))
    def hide_and_resolve(self, request, queryset):
        done = 0
        for report in queryset.filter(status=ReportStatus.OPEN).select_related("theory", "comment"):
            reason = _("Report upheld: %(reason)s") % {"reason": report.get_reason_display()}
            target = report.theory or report.comment
            if not target.is_hidden:
                services.set_hidden(moderator=request.user, item=target, hidden=True, reason=reason)
            services.close_report(
                moderator=request.user, report_row=report, dismissed=False, reason=reason
            )
            done += 1
        self.message_user(request, _("%(n)d reports resolved.") % {"n": done}, messages.SUCCESS)

    @admin.action(permissions=["moderate"], description=_("Dismiss: nothing to act on"))
    def dismiss(self, request, queryset):
        done = 0
        for report in queryset.filter(status=ReportStatus.OPEN).select_related("theory", "comment"):
            services.close_report(
                moderator=request.user,
                report_row=report,
                dismissed=True,
                reason=_("No rule broken"),
            )
            done += 1
        self.message_user(request, _("%(n)d reports dismissed.") % {"n": done}, messages.SUCCESS)


@admin.register(ModerationAction)
class ModerationActionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The moderation log is append-only: written by guide.services, never edited here."""

    list_display = ["created_at", "moderator", "kind", "target_label", "detail", "reason"]
    list_filter = ["kind"]
    list_select_related = ["moderator"]
    search_fields = ["target_label", "detail", "reason", "moderator__username"]
    date_hierarchy = "created_at"


@admin.register(Vote)
class VoteAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: votes and the theory's counts change together, in guide.services."""

    list_display = ["theory", "user", "value", "created_at"]
    list_filter = ["value"]
    list_select_related = ["theory", "user"]
    search_fields = ["theory__title", "user__username"]
    date_hierarchy = "created_at"


@admin.register(WatchProgress)
class WatchProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "show", "seasons_watched", "updated_at"]
    list_filter = ["show"]
    list_select_related = ["user", "show"]
    search_fields = ["user__username", "show__title"]
