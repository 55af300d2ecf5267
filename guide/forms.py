"""Forms for fans' writing, votes, reports, filters and the spoiler setting."""

from django import forms
from django.conf import settings
from django.db.models import Max
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedIdMultipleChoiceField, NoControlCharactersMixin, show_as_typed
from guide import markdown
from guide.models import (
    Character,
    Comment,
    MailPreference,
    NotificationKind,
    Outcome,
    ReportReason,
    Season,
    SeasonStatus,
    Show,
    Theory,
    TheoryImage,
    TheoryOrder,
)

MAX_SEASON = 50


# Choices are built when the module loads, so their labels must translate later.
_reveals_season = lazy(lambda n: gettext("Reveals season %(n)s") % {"n": n}, str)

NOT_A_LISTED_SEASON = _("Choose one of the seasons in the list.")


def _spoiler_choices(max_season: int):
    """The "No spoilers" choice, then each season up to `max_season`."""
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


def _spoiler_field(**kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Spoilers"),
        choices=[],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": NOT_A_LISTED_SEASON},
        **kwargs,
    )


class TheoryForm(PreviewMixin, NoControlCharactersMixin, forms.ModelForm):
    spoiler_season = _spoiler_field(
        help_text=_(
            "Which season's events does your theory give away? Readers who have "
            "not watched it will see it hidden."
        ),
    )

    class Meta:
        model = Theory
        fields = [
            "season",
            "title",
            "body",
            "language",
            "characters",
            "spoiler_season",
            "spoiler_free_title",
        ]
        labels = {"body": _("Your theory"), "language": _("Written in")}
        help_texts = {
            "body": _("Markdown: *emphasis*, **strong**, lists, > quotes and links."),
            "title": _("One line that states the prediction."),
            "spoiler_free_title": _(
                "Needed when your theory has spoilers: one line that gives nothing away, "
                "shown in lists, feeds and link previews to readers who have not watched "
                "that season."
            ),
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
        # A form posted without one (a page from before the field, a script) keeps the
        # theory's language, English for a new one.
        self.fields["language"].required = False
        # Seasons of any published show: the chosen show's own limit is checked in clean().
        last = Season.objects.published().aggregate(last=Max("number"))["last"] or 0
        self.fields["spoiler_season"].choices = _spoiler_choices(last)

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

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
            self._check_spoiler_season_exists(season.show, cleaned.get("spoiler_season"))
        self._check_headline(cleaned.get("spoiler_season"), cleaned.get("spoiler_free_title"))
        return cleaned

    def _check_spoiler_season_exists(self, show, spoiler_season: int | None) -> None:
        if spoiler_season and not show.seasons.filter(number=spoiler_season).exists():
            self.add_error(
                "spoiler_season",
                _("%(show)s has no season %(n)s. Choose a season it has.")
                % {"show": show.title, "n": spoiler_season},
            )

    def _check_headline(self, spoiler_season: int | None, headline: str | None) -> None:
        if spoiler_season and not (headline or "").strip():
            self.add_error(
                "spoiler_free_title",
                _(
                    "Your theory gives away season %(n)s: write a headline without spoilers "
                    "for readers who have not watched it."
                )
                % {"n": spoiler_season},
            )


class CommentForm(PreviewMixin, NoControlCharactersMixin, forms.ModelForm):
    spoiler_season = _spoiler_field()

    class Meta:
        model = Comment
        fields = ["body", "spoiler_season"]
        labels = {"body": _("Your comment")}
        # Where static/js/site.js asks whom an @name may mean.
        widgets = {
            "body": forms.Textarea(
                attrs={"rows": 4, "data-mentions": reverse_lazy("guide:fan_names")}
            )
        }

    def __init__(self, *args, last_season: int, **kwargs):
        """`last_season`: the highest season number of the theory's show."""
        super().__init__(*args, **kwargs)
        self.fields["spoiler_season"].choices = _spoiler_choices(last_season)


class TheoryImageForm(NoControlCharactersMixin, forms.ModelForm):
    """A picture for a fan's theory, checked and re-encoded as an editor's upload is
    (guide.uploads), with a smaller size limit, and always described."""

    class Meta:
        model = TheoryImage
        fields = ["image", "alt"]
        labels = {"image": _("Picture")}
        widgets = {"image": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _(
            "A screenshot or a webtoon panel: JPEG, PNG or WebP, at most %(mb)s MB."
        ) % {"mb": settings.MAX_THEORY_IMAGE_BYTES // (1024 * 1024)}

    def clean_image(self):
        # The upload as sent: the field has already re-encoded it.
        sent = self.files.get(self.add_prefix("image"))
        if sent is not None and sent.size > settings.MAX_THEORY_IMAGE_BYTES:
            raise forms.ValidationError(
                _("Pictures may be at most %(mb)s MB.")
                % {"mb": settings.MAX_THEORY_IMAGE_BYTES // (1024 * 1024)},
                code="too_big",
            )
        return self.cleaned_data["image"]


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
    language = forms.ChoiceField(
        choices=[("", _("Any language")), *settings.LANGUAGES], required=False
    )

    def clean_sort(self):
        return self.cleaned_data["sort"] or TheoryOrder.HOT


def watch_label(watched: int) -> str:
    return _("Season %(n)s") % {"n": watched} if watched else _("Nothing yet")


def watch_choices(released) -> list[tuple[str, str]]:
    """What a reader may say they have watched: nothing yet, or a season that is out."""
    return [(str(n), watch_label(n)) for n in [0, *sorted(released)]]


class WatchProgressForm(forms.Form):
    show = forms.ModelChoiceField(
        queryset=Show.objects.published(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a show from the guide."),
            "invalid_choice": _("Choose a show from the guide."),
        },
    )
    seasons_watched = forms.TypedChoiceField(
        label=_("How far have you watched?"),
        coerce=int,
        choices=[],
        error_messages={"invalid_choice": NOT_A_LISTED_SEASON},
    )

    def __init__(self, *args, released=None, **kwargs):
        """`released`: the show's released season numbers, when the caller knows the show.

        A posted form learns its show from the data; until then any season number
        passes the field, and clean() holds it to the show's released seasons.
        """
        super().__init__(*args, **kwargs)
        if released is None:
            released = range(1, MAX_SEASON + 1)
        self.fields["seasons_watched"].choices = watch_choices(released)

    def clean(self):
        cleaned = super().clean()
        show, watched = cleaned.get("show"), cleaned.get("seasons_watched")
        if show is None:
            return cleaned
        seasons = dict(show.seasons.values_list("number", "status"))
        released = [n for n, status in seasons.items() if status == SeasonStatus.RELEASED]
        # Shown again after an error, the form offers what this show allows.
        self.fields["seasons_watched"].choices = watch_choices(released)
        if not watched:
            return cleaned
        if watched not in seasons:
            message = _("%(show)s has no season %(n)s.")
        elif watched not in released:
            message = _("%(show)s season %(n)s is not out yet, so nobody has watched it.")
        else:
            return cleaned
        self.add_error("seasons_watched", message % {"show": show.title, "n": watched})
        return cleaned


class MailPreferenceForm(forms.ModelForm):
    """How a fan hears of each kind of news by email."""

    class Meta:
        model = MailPreference
        fields = list(NotificationKind.values)
        widgets = dict.fromkeys(NotificationKind.values, forms.RadioSelect)


class ForecastForm(forms.Form):
    """A fan's probability that a prediction comes true, in whole per cent."""

    percent = forms.IntegerField(
        label=_("Your probability (%)"),
        min_value=1,
        max_value=99,
        help_text=_("1 to 99: how likely you think it is to come true."),
        error_messages={
            "min_value": _("Nobody is that sure: give a number from 1 to 99."),
            "max_value": _("Nobody is that sure: give a number from 1 to 99."),
            "invalid": _("Give a whole number from 1 to 99."),
        },
        # Text with a numeric keyboard, not a number box: a browser empties a number box
        # holding letters, and the fan would lose what they typed.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class PredictionForm(NoControlCharactersMixin, forms.Form):
    """A claim a theory's author states, with how to settle it and their probability."""

    claim = forms.CharField(
        label=_("Claim"),
        max_length=200,
        help_text=_("One thing the season will show or not, e.g. “Cheong-san returns”."),
    )
    criteria = forms.CharField(
        label=_("Resolution criteria"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What exactly counts as yes, so that anyone could settle it."),
    )
    percent = ForecastForm.base_fields["percent"]
    spoiler_season = _spoiler_field(
        help_text=_("Which season's events does the claim give away? Leave it if none.")
    )

    def __init__(self, *args, season: Season, **kwargs):
        super().__init__(*args, **kwargs)
        last = max(season.show.latest_season_number, season.number)
        self.fields["spoiler_season"].choices = _spoiler_choices(last)


class PredictionRewordForm(PredictionForm):
    """The author rewords a claim: its probability changes on the claim's own page."""

    percent = None
