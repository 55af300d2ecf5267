"""The moderators' desk: fan content is read-only here except the moderation fields,
and every decision goes through guide.services, which records it in the append-only
moderation log."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import Case, When
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from guide import permissions, services
from guide.admin.content import image_preview
from guide.models import (
    Bookmark,
    Comment,
    CommentVote,
    FanFollow,
    Follow,
    MailPreference,
    ModerationAction,
    Notification,
    Report,
    ReportStatus,
    Revision,
    Season,
    SeasonFollow,
    SentMail,
    ShowFollow,
    Theory,
    TheoryImage,
    Vote,
    WatchProgress,
)


class RelatedText:
    """A read-only relation shown as plain text: for viewers who may not open its admin page
    (Django would link it, and the link would end in "403 Forbidden")."""

    def __init__(self, field):
        self.field_name = field.name
        self.__name__ = field.name  # the admin names the row's CSS class after it
        self.short_description = capfirst(field.verbose_name)

    def __call__(self, obj):
        return getattr(obj, self.field_name) or "-"

    def __eq__(self, other):
        return isinstance(other, RelatedText) and other.field_name == self.field_name

    def __hash__(self):
        return hash(("RelatedText", self.field_name))


class LinksTheViewerCanOpenMixin:
    """Read-only relations link to their admin page only for those who may open it."""

    def may_open(self, request, model) -> bool:
        model_admin = self.admin_site._registry.get(model)
        return model_admin is not None and model_admin.has_view_or_change_permission(request)

    def unlinked(self, request) -> dict[str, RelatedText]:
        return {
            field.name: RelatedText(field)
            for field in self.model._meta.fields
            if field.many_to_one and not self.may_open(request, field.related_model)
        }

    def get_readonly_fields(self, request, obj=None):
        swaps = self.unlinked(request)
        fields = _swapped(super().get_readonly_fields(request, obj), swaps)
        # Rows shown read-only because nobody may change them need the swap too.
        return _unique([*fields, *swaps.values()])

    def get_fields(self, request, obj=None):
        return _unique(_swapped(super().get_fields(request, obj), self.unlinked(request)))


def _swapped(names, swaps) -> list:
    return [swaps.get(name, name) if isinstance(name, str) else name for name in names]


def _unique(items) -> list:
    return list(dict.fromkeys(items))


class ViewOnlyAdminMixin(LinksTheViewerCanOpenMixin):
    """Rows that only services write: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(LinksTheViewerCanOpenMixin):
    """Every field read-only and no adding: rows are written by the site or by services."""

    def get_readonly_fields(self, request, obj=None):
        opts = self.model._meta
        # Rendered HTML is a cache of the Markdown body; showing both says nothing new.
        fields = [f.name for f in [*opts.fields, *opts.many_to_many] if f.name != "body_html"]
        return [*fields, *super().get_readonly_fields(request, obj)]

    def has_add_permission(self, request):
        return False


# Fan content and moderation -------------------------------------------------------------------


class SeasonListFilter(admin.RelatedFieldListFilter):
    """Filter by season, naming each with its show in one query (not one per season)."""

    def field_choices(self, field, request, model_admin):
        seasons = Season.objects.select_related("show").order_by("show__title", "number")
        return [(season.pk, str(season)) for season in seasons]


class WithdrawnListFilter(admin.SimpleListFilter):
    """Withdrawn by their authors, or standing: a yes or no, as for the other flags."""

    title = _("withdrawn")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        return queryset


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
        if "outcome" in self.changed_data and not self.instance.may_settle_as(outcome):
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
        return request.user.has_perm(permissions.MODERATE)

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
            resolved = services.set_hidden(
                moderator=request.user, item=obj, hidden=obj.is_hidden, reason=reason
            )
            if resolved:
                message = ngettext(
                    "%(count)d open report about it is resolved.",
                    "%(count)d open reports about it are resolved.",
                    resolved,
                )
                self.message_user(request, message % {"count": resolved}, messages.SUCCESS)
        self.save_moderation(request, obj, form, reason)

    def save_moderation(self, request, obj, form, reason):
        pass

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is editable here


@admin.register(Theory)
class TheoryAdmin(ModeratedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    form = TheoryModerationForm
    moderation_fields = ["is_hidden", "outcome", "outcome_note", "outcome_source_url"]
    list_display = [
        "title",
        "author",
        "season",
        "outcome",
        "is_hidden",
        "is_withdrawn",
        "score",
        "created_at",
    ]
    list_filter = [
        "outcome",
        "language",
        "is_hidden",
        WithdrawnListFilter,
        ("season", SeasonListFilter),
    ]
    list_select_related = ["author", "season__show"]
    search_fields = ["title", "body", "author__username", "author__display_name"]
    date_hierarchy = "created_at"

    @admin.display(description=_("withdrawn"), boolean=True, ordering="withdrawn_at")
    def is_withdrawn(self, obj):
        return obj.is_withdrawn

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.predictions.exists():
            # Its outcome follows from its predictions' resolutions (services).
            fields = [*fields, "outcome"] if "outcome" not in fields else fields
        return fields

    def delete_model(self, request, obj):
        self.delete_queryset(request, Theory.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # Only a superuser may (a theory with votes, comments or claims may not be deleted
        # here at all: their admins delete nothing).
        services.delete_theories_as_staff(theories=queryset)

    def save_moderation(self, request, obj, form, reason):
        if {"outcome", "outcome_note", "outcome_source_url"} & set(form.changed_data):
            services.set_outcome(
                moderator=request.user,
                theory=obj,
                outcome=obj.outcome,
                note=obj.outcome_note,
                source_url=obj.outcome_source_url,
                reason=reason,
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


class TheoryImageModerationForm(ModerationForm):
    class Meta:
        model = TheoryImage
        fields = ["is_hidden"]


@admin.register(TheoryImage)
class TheoryImageAdmin(ModeratedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A fan's picture: a moderator may hide it alone, leaving its theory as it is."""

    form = TheoryImageModerationForm
    moderation_fields = ["is_hidden"]
    list_display = ["__str__", "alt", "theory", "is_hidden", "created_at"]
    list_filter = ["is_hidden"]
    list_select_related = ["theory"]
    search_fields = ["alt", "theory__title"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "preview"]

    @admin.display(description=_("picture"))
    def preview(self, obj):
        return image_preview(obj.image, obj.alt, obj.image_width, obj.image_height)

    def save_model(self, request, obj, form, change):
        if "is_hidden" in form.changed_data:
            services.set_image_hidden(
                moderator=request.user,
                image=obj,
                hidden=obj.is_hidden,
                reason=form.cleaned_data.get("moderation_reason", ""),
            )


ON_THE_LIST_AND_THE_PAGE = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


@admin.register(Report)
class ReportAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The queue: open reports first, with the reported text beside each.

    A report is a fan's record, so its page has nothing to save: moderators decide with
    the two buttons on it (hide the item, or dismiss the report), as on the list.
    """

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
    # __str__ (used by the action checkboxes) names the comment author; the report's page
    # links the reported item, whose address needs its show.
    list_select_related = [
        "reporter",
        "resolved_by",
        "theory__season__show",
        "comment__author",
        "comment__theory__season__show",
    ]
    search_fields = ["note", "reporter__username", "theory__title", "comment__body"]
    date_hierarchy = "created_at"
    actions = ["hide_and_resolve", "dismiss"]

    def get_ordering(self, request):
        open_first = Case(When(status=ReportStatus.OPEN, then=0), default=1)
        return [open_first.asc(), "-created_at"]

    def get_queryset(self, request):
        # The list applies list_select_related only to a queryset that has none yet.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_fields(self, request, obj=None):
        target = "comment" if obj is not None and obj.comment_id else "theory"
        names = ["reported_item", target, "reason", "note", "reporter", "created_at", "status"]
        if obj is not None and obj.status != ReportStatus.OPEN:
            names += ["resolved_by", "resolved_at"]
        return _swapped(names, self.unlinked(request))

    def get_readonly_fields(self, request, obj=None):
        return _unique([*super().get_readonly_fields(request, obj), "reported_item"])

    @admin.display(description=_("reported text"))
    def reported_text(self, obj):
        target = obj.theory or obj.comment
        text = obj.theory.title if obj.theory else obj.comment.body
        hidden = _(" (hidden)") if target.is_hidden else ""
        withdrawn = _(" (withdrawn)") if obj.theory and obj.theory.is_withdrawn else ""
        return f"{Truncator(text).chars(120)}{hidden}{withdrawn}"

    @admin.display(description=_("reported item"))
    def reported_item(self, obj):
        """The whole text the fan reported, and where it stands on the site."""
        target = obj.target
        if obj.theory_id:
            heading = _("Theory: %(title)s") % {"title": obj.theory.title}
        else:
            heading = _("Comment on the theory “%(title)s”") % {"title": obj.comment.theory.title}
        state = _("Hidden from fans.") if target.is_hidden else _("Visible to fans.")
        if obj.theory_id and obj.theory.is_withdrawn:
            withdrawn = _("Withdrawn by its author: fans no longer see its text.")
            state = f"{withdrawn} {state}" if target.is_hidden else withdrawn
        return format_html(
            '<p><strong>{}</strong></p><div class="reported-text">{}</div><p>{} '
            '<a href="{}">{}</a></p>',
            heading,
            # linebreaks escapes the text itself (autoescape) before adding <p> and <br>.
            mark_safe(linebreaks(target.body, autoescape=True)),  # noqa: S308
            state,
            target.get_absolute_url(),
            _("Open it on the site"),
        )

    def has_moderate_permission(self, request):
        return request.user.has_perm(permissions.MODERATE)

    @admin.action(
        permissions=["moderate"],
        description=_("Hide the reported item and resolve"),
        location=ON_THE_LIST_AND_THE_PAGE,
    )
    def hide_and_resolve(self, request, queryset):
        resolved = 0
        for report in queryset.filter(status=ReportStatus.OPEN).select_related("theory", "comment"):
            reason = _("Report upheld: %(reason)s") % {"reason": report.get_reason_display()}
            resolved += services.uphold_report(
                moderator=request.user, report_row=report, reason=reason
            )
        self.tell(
            request,
            resolved,
            ngettext("%(count)d report resolved.", "%(count)d reports resolved.", resolved),
        )

    @admin.action(
        permissions=["moderate"],
        description=_("Dismiss: nothing to act on"),
        location=ON_THE_LIST_AND_THE_PAGE,
    )
    def dismiss(self, request, queryset):
        dismissed = 0
        for report in queryset.filter(status=ReportStatus.OPEN):
            dismissed += services.close_report(
                moderator=request.user,
                report_row=report,
                dismissed=True,
                reason=_("No rule broken"),
            )
        self.tell(
            request,
            dismissed,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", dismissed),
        )

    def tell(self, request, count: int, message: str) -> None:
        if count:
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(
                request, _("Those reports were already closed: nothing changed."), messages.INFO
            )


@admin.register(ModerationAction)
class ModerationActionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The moderation log is append-only: written by guide.services, never edited here."""

    list_display = ["created_at", "moderator", "kind", "target_label", "detail", "reason"]
    list_filter = ["kind"]
    list_select_related = ["moderator"]
    search_fields = ["target_label", "detail", "reason", "moderator__username"]
    date_hierarchy = "created_at"


@admin.register(Revision)
class RevisionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: an edit on the site keeps the text it replaced (guide.services)."""

    list_display = ["replaced_at", "theory", "comment", "title", "spoiler_season"]
    list_select_related = ["theory", "comment"]
    search_fields = ["title", "body", "theory__title"]
    date_hierarchy = "replaced_at"


@admin.register(Vote)
class VoteAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: votes and the theory's counts change together, in guide.services."""

    list_display = ["theory", "user", "value", "created_at"]
    list_filter = ["value"]
    list_select_related = ["theory", "user"]
    search_fields = ["theory__title", "user__username"]
    date_hierarchy = "created_at"


@admin.register(WatchProgress)
class WatchProgressAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans set their progress on the site."""

    list_display = ["user", "show", "seasons_watched", "updated_at"]
    list_filter = ["show"]
    list_select_related = ["user", "show"]
    search_fields = ["user__username", "show__title"]


@admin.register(Follow)
class FollowAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans follow and unfollow theories on the site."""

    list_display = ["user", "theory", "created_at"]
    list_select_related = ["user", "theory"]
    search_fields = ["user__username", "theory__title"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: the worker writes inbox lines (guide.tasks) and fans read them."""

    list_display = ["recipient", "kind", "theory", "actor", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "theory", "actor"]
    search_fields = ["recipient__username", "theory__title"]
    date_hierarchy = "created_at"


@admin.register(Bookmark)
class BookmarkAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans save and unsave on the site."""

    list_display = ["user", "theory", "comment", "created_at"]
    list_select_related = ["user", "theory", "comment"]
    search_fields = ["user__username", "theory__title"]
    date_hierarchy = "created_at"


@admin.register(CommentVote)
class CommentVoteAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: votes and the comment's counts change together, in guide.services."""

    list_display = ["comment", "user", "value", "created_at"]
    list_filter = ["value"]
    list_select_related = ["comment__author", "user"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"


@admin.register(SeasonFollow)
class SeasonFollowAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans follow and unfollow seasons on the site."""

    list_display = ["user", "season", "created_at"]
    list_select_related = ["user", "season__show"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"


@admin.register(MailPreference)
class MailPreferenceAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans choose their email on the site, or stop it from a mail's link."""

    list_display = ["user", "reply", "mention", "comment", "theory"]
    list_filter = ["reply", "mention", "comment", "theory"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(SentMail)
class SentMailAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: the worker and the daily digest record the mail they send."""

    list_display = ["recipient", "sent_at", "digest", "lines"]
    list_filter = ["digest"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username"]
    date_hierarchy = "sent_at"


@admin.register(ShowFollow)
class ShowFollowAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans follow and unfollow shows on the site."""

    list_display = ["user", "show", "created_at"]
    list_select_related = ["user", "show"]
    search_fields = ["user__username", "show__title"]
    date_hierarchy = "created_at"


@admin.register(FanFollow)
class FanFollowAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """View only: fans follow and unfollow each other on the site."""

    list_display = ["user", "fan", "created_at"]
    list_select_related = ["user", "fan"]
    search_fields = ["user__username", "fan__username"]
    date_hierarchy = "created_at"
