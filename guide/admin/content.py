"""The editors' desk: shows, seasons, episodes, people, characters and facts.

Any change here makes the visitors' page cache stale."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from core.admin import FreshPagesMixin
from guide import services
from guide.admin.editing import (
    ExplainedDeleteRefusalMixin,
    KeepStoredImagesMixin,
    LabelledAutocompleteSelect,
)
from guide.models import (
    Character,
    CharacterStatus,
    Episode,
    Fact,
    NewsChange,
    Person,
    Season,
    Show,
    Theory,
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


class ContentAdmin(
    KeepStoredImagesMixin, ExplainedDeleteRefusalMixin, FreshPagesMixin, TranslationAdmin
):
    """Editors' content: each translated field (guide/translation.py) is edited in
    English and Korean side by side, where the field alone was."""

    # The one PROTECT relation: fans' theories keep their season (and so its show).
    delete_blockers = {
        Theory: _(
            "Fans have posted theories about it. A theory stays on its author's prediction "
            "record, so the season it is about cannot be deleted. To take a season or a show "
            "off the site, unpublish the show instead."
        )
    }


def episode_count_note(season) -> str | None:
    """Why a season's episode count and its episode rows disagree, if they do.

    `season` carries `entered` (how many episode rows) and `last` (the highest number).
    Episodes are optional detail: none entered is fine.
    """
    values = {"season": season, "entered": season.entered, "count": season.episode_count}
    if not season.entered or season.entered == season.episode_count:
        return None
    if season.episode_count is None:
        return (
            ngettext(
                "%(season)s has %(entered)s episode entered but no episode count: set the "
                "count so the guide can say how many episodes the season has.",
                "%(season)s has %(entered)s episodes entered but no episode count: set the "
                "count so the guide can say how many episodes the season has.",
                season.entered,
            )
            % values
        )
    if season.last > season.episode_count:
        return _(
            "%(season)s has episode %(last)s entered, but its episode count says "
            "%(count)s: correct the count or the episode numbers."
        ) % (values | {"last": season.last})
    return (
        ngettext(
            "%(season)s: %(entered)s of its %(count)s episodes is entered so far; the guide "
            "lists only the episodes entered.",
            "%(season)s: %(entered)s of its %(count)s episodes are entered so far; the guide "
            "lists only the episodes entered.",
            season.entered,
        )
        % values
    )


def warn_about_episode_counts(request, seasons) -> None:
    """After a save: say where a season's episode count and its episodes disagree."""
    counted = (
        Season.objects.filter(pk__in=[season.pk for season in seasons])
        .select_related("show")
        .annotate(entered=Count("episodes"), last=Max("episodes__number"))
        .order_by("number")
    )
    for season in counted:
        if note := episode_count_note(season):
            messages.warning(request, note)


# Shows -------------------------------------------------------------------------------


class SeasonInline(TranslationTabularInline):
    model = Season
    fields = ["number", "title", "status", "release_date", "episode_count"]
    extra = 0
    show_change_link = True


class CharacterInline(TranslationTabularInline):
    model = Character
    # Portraits (with their required description) are edited on the character's page.
    fields = ["name", "slug", "native_name", "actor", "role", "billing_order"]
    autocomplete_fields = ["actor"]
    prepopulated_fields = {"slug": ["name"]}
    # Narrower text boxes, so that the whole row (actor included) fits beside the menu.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 15})},
        models.SlugField: {"widget": forms.TextInput(attrs={"size": 15})},
    }
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "actor":
            kwargs["widget"] = LabelledAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        actor = formset.form.base_fields.get("actor")
        if obj is not None and actor is not None:
            # The show's actors in one query, shared by every row's autocomplete.
            widget = getattr(actor.widget, "widget", actor.widget)  # inside the "+" links
            widget.load_labels(lambda: Person.objects.filter(roles__show=obj))
        return formset


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
    search_fields = [
        "title",
        "title_ko",
        "original_title",
        "source_title",
        "source_original_title",
    ]
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_published" in form.changed_data:
            # Its settled theories and scored forecasts count on every show's board only
            # while it is published.
            services.recount_boards_on(seasons=obj.seasons.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_episode_counts(request, form.instance.seasons.all())
        for formset in formsets:  # the show's season rows edit dates and statuses too
            if formset.model is Season:
                for season, changed in formset.changed_objects:
                    services.announce_season_change(season=season, changes=season_news(changed))

    @admin.display(description=_("seasons"), ordering="season_count")
    def season_count(self, obj):
        return obj.season_count

    @admin.display(description=_("current poster"))
    def poster_preview(self, obj):
        return image_preview(obj.poster, obj.poster_alt, obj.poster_width, obj.poster_height)


# Seasons and episodes ------------------------------------------------------------------


class FactInline(TranslationStackedInline):
    model = Fact
    fields = [
        ("question", "kind"),
        "answer",
        ("quote", "quoted_person"),
        ("source_name", "source_title"),
        ("source_url", "source_date"),
        ("last_verified_on", "spoiler_season"),
        ("milestone", "happened_on"),
        "order",
    ]
    autocomplete_fields = ["quoted_person"]
    extra = 0
    show_change_link = True


class EpisodeInline(TranslationTabularInline):
    model = Episode
    fields = ["number", "title", "runtime", "release_date", "synopsis"]
    # One compact row per episode: a season has a dozen or so.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 20})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 34})},
    }
    extra = 0


# The season's fields whose change its followers hear of.
SEASON_NEWS = {"release_date": NewsChange.RELEASE_DATE, "status": NewsChange.STATUS}


def season_news(changed_fields) -> list[str]:
    """What a save of a season's fields tells its followers: a new date, a new status."""
    return [news for field, news in SEASON_NEWS.items() if field in changed_fields]


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
    search_fields = [
        "show__title",
        "show__title_ko",
        "show__original_title",
        "title",
        "title_ko",
        "number",
    ]
    autocomplete_fields = ["show"]
    date_hierarchy = "release_date"
    readonly_fields = ["poster_preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["show", "number", "title", "status", "synopsis"]}),
        (_("Dates"), {"fields": ["renewal_announced_on", "release_date", "forecasts_lock_at"]}),
        (_("Episodes"), {"fields": ["episode_count", "typical_runtime"]}),
        (_("Poster"), {"fields": ["poster", "poster_alt", "poster_preview"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [FactInline, EpisodeInline]

    @admin.display(description=_("current poster"))
    def poster_preview(self, obj):
        return image_preview(obj.poster, obj.poster_alt, obj.poster_width, obj.poster_height)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "show" in form.changed_data:  # its theories count on another show's board
            services.recount_boards_on(seasons=[obj])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_episode_counts(request, [form.instance])
        if not change:  # a new season has no followers yet
            return
        if {"forecasts_lock_at", "release_date"} & set(form.changed_data):
            services.rescore_season(season=form.instance)  # which forecasts count moved
        # One announcement for the whole save: its followers get one mail for it.
        changes = season_news(form.changed_data)
        if any(formset.new_objects for formset in formsets if formset.model is Fact):
            changes.append(NewsChange.FACT)
        services.announce_season_change(season=form.instance, changes=changes)


@admin.register(Episode)
class EpisodeAdmin(ContentAdmin):
    list_display = ["__str__", "season", "number", "title", "runtime", "release_date"]
    list_filter = ["season__show"]
    list_select_related = ["season__show"]
    search_fields = ["title", "title_ko", "season__show__title"]
    autocomplete_fields = ["season"]
    date_hierarchy = "release_date"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_episode_counts(request, [form.instance.season])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        warn_about_episode_counts(request, [obj.season])


# People and characters --------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ["name", "native_name", "slug", "role_count", "updated_at"]
    search_fields = ["name", "name_ko", "native_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]  # the role count's GROUP BY drops Meta.ordering
    readonly_fields = ["portrait_preview", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(role_count=Count("roles"))

    @admin.display(description=_("roles"), ordering="role_count")
    def role_count(self, obj):
        return obj.role_count

    @admin.display(description=_("current portrait"))
    def portrait_preview(self, obj):
        return image_preview(
            obj.portrait, obj.portrait_alt, obj.portrait_width, obj.portrait_height
        )


class CharacterStatusFormSet(BaseInlineFormSet):
    """A status must be for a season of the character's own show, also on the add page."""

    def clean(self):
        super().clean()
        show_id = self.instance.show_id
        for form in self.forms:
            season = form.cleaned_data.get("season") if hasattr(form, "cleaned_data") else None
            if season is None or form.cleaned_data.get("DELETE") or show_id is None:
                continue
            try:
                CharacterStatus.check_own_show(show_id, season)
            except ValidationError as error:
                form.add_error("season", error)


class CharacterStatusInline(TranslationTabularInline):
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
    search_fields = [
        "name",
        "name_ko",
        "native_name",
        "aliases",
        "actor__name",
        "actor__native_name",
    ]
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
    search_fields = ["character__name", "character__native_name", "note", "note_ko"]
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
    search_fields = [
        "question",
        "question_ko",
        "answer",
        "answer_ko",
        "quote",
        "source_name",
        "source_title",
    ]
    autocomplete_fields = ["season", "quoted_person"]
    date_hierarchy = "source_date"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["season", "question", "answer", "kind", "order", "spoiler_season"]}),
        (_("Quotation"), {"fields": ["quote", "quoted_person"]}),
        (
            _("Source"),
            {
                "fields": [
                    "source_name",
                    "source_title",
                    "source_url",
                    "source_date",
                    "last_verified_on",
                ]
            },
        ),
        (_("Timeline"), {"fields": ["milestone", "happened_on"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # the season's followers hear of a new fact
            services.announce_season_change(season=obj.season, changes=[NewsChange.FACT])
