"""Forms for fans' writing, votes, reports, filters and the spoiler setting."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedIdMultipleChoiceField, NoControlCharactersMixin, show_as_typed
from guide import markdown
from guide.models import (
    Character,
    Comment,
    Outcome,
    ReportReason,
    Season,
    SeasonStatus,
    Show,
    Theory,
    TheoryOrder,
)

MAX_SEASON = 50


# Choices are built when the module loads, so their labels must translate later.
_reveals_season = lazy(lambda n: gettext("Reveals season %(n)s") % {"n": n}, str)


def _spoiler_choices(max_season: int = 9):
    return [("", _("No spoilers"))] + [
        (str(n), _reveals_season(n)) for n in range(1, max_season + 1)
    ]


class PreviewMixin:
    """A Preview button, a second submit named "preview", that works without JavaScript: the
    form comes back showing the text as it will look and everything typed, unjudged.
    Nothing is saved, so views spend no rate limit on it."""

    # Longer text is refused on posting anyway; the preview renders no more than this.
    PREVIEW_LIMIT = 10_000

    @property
    def wants_preview(self) -> bool:
        return self.is_bound and "preview" in self.data

    def preview(self) -> dict:
        """The title (for forms that have one) and the body's sanitised HTML; the form then
        shows what was typed."""
        shown = {
            "title": self.data.get("title", "") if "title" in self.fields else "",
            "html": markdown.render(self.data.get("body", "")[: self.PREVIEW_LIMIT]),
        }
        show_as_typed(self)
        return shown


class TheoryForm(PreviewMixin, NoControlCharactersMixin, forms.ModelForm):
    spoiler_season = forms.TypedChoiceField(
        label=_("Spoilers"),
        choices=_spoiler_choices(),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Which season's events does your theory give away? Readers who have "
            "not watched it will see it hidden."
        ),
    )

    class Meta:
        model = Theory
        fields = ["season", "title", "body", "characters", "spoiler_season"]
        labels = {"body": _("Your theory")}
        help_texts = {
            "body": _("Markdown: *emphasis*, **strong**, lists, > quotes and links."),
            "title": _("One line that states the prediction."),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "characters": forms.CheckboxSelectMultiple,
        }
        field_classes = {"characters": BoundedIdMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seasons = (
            Season.objects.published().select_related("show").order_by("show__title", "number")
        )
        if self.instance.pk:
            # The predicted season is fixed once posted: votes were cast on that claim.
            self.fields["season"].disabled = True
            self.fields["season"].queryset = seasons
        else:
            self.fields["season"].queryset = seasons.exclude(status=SeasonStatus.RELEASED)
        self.fields["season"].empty_label = _("Choose a season")
        self.fields["season"].label_from_instance = lambda season: (
            f"{season.show.title} — {season.label}"
        )
        self.fields["characters"].queryset = (
            Character.objects.published()
            .select_related("show")
            .order_by("show__title", "billing_order", "name")
        )
        self.fields["characters"].label_from_instance = lambda c: f"{c.name} ({c.show.title})"
        self.fields["title"].widget.attrs.update(maxlength=140)

    def clean(self):
        cleaned = super().clean()
        season = cleaned.get("season")
        characters = cleaned.get("characters") or []
        if season is not None:
            strangers = [c.name for c in characters if c.show_id != season.show_id]
            if strangers:
                self.add_error(
                    "characters",
                    _("Pick characters from %(show)s only.") % {"show": season.show.title},
                )
        return cleaned


class CommentForm(PreviewMixin, NoControlCharactersMixin, forms.ModelForm):
    spoiler_season = forms.TypedChoiceField(
        label=_("Spoilers"),
        choices=_spoiler_choices(),
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Comment
        fields = ["body", "spoiler_season"]
        labels = {"body": _("Your comment")}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=[("1", "+1"), ("-1", "-1"), ("0", "0")], coerce=int)


class ReportForm(NoControlCharactersMixin, forms.Form):
    # No reason chosen for the fan: they pick one.
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose a reason")), *ReportReason.choices]
    )
    note = forms.CharField(
        label=_("Anything the moderators should know?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TheoryFilterForm(forms.Form):
    """The theory list's query string; anything unknown is an error, never a crash."""

    sort = forms.ChoiceField(choices=TheoryOrder.choices, required=False)
    show = forms.SlugField(required=False, max_length=200)
    season = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    character = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    outcome = forms.ChoiceField(choices=[("", _("Any outcome"))] + Outcome.choices, required=False)

    def clean_sort(self):
        return self.cleaned_data["sort"] or TheoryOrder.HOT


class WatchProgressForm(forms.Form):
    show = forms.ModelChoiceField(queryset=Show.objects.published(), widget=forms.HiddenInput)
    seasons_watched = forms.TypedChoiceField(
        label=_("How far have you watched?"), coerce=int, choices=[]
    )

    def __init__(self, *args, max_season: int = MAX_SEASON, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seasons_watched"].choices = [("0", _("Nothing yet"))] + [
            (str(n), _("Season %(n)s") % {"n": n}) for n in range(1, max_season + 1)
        ]
