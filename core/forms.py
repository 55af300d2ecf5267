"""Form pieces every app shares."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The largest id a database integer column holds.
MAX_ID = 2**63 - 1


def has_control_characters(value: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value)


def typed_text(form, *names: str) -> dict[str, str]:
    """What a fan typed into a valid form's fields, under the fields' labels: for a page
    that refuses the write but keeps the text (the 429 page)."""
    return {form[name].label: form.cleaned_data[name] for name in names}


class NoControlCharactersMixin:
    """Refuse invisible control characters in text, which only ever come from abuse."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and has_control_characters(value):
                self.add_error(name, _("Remove the invisible control characters."))
        return cleaned


class BoundedIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuse ids that are not integers a database column can hold, before any query."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def show_as_typed(form):
    """Turn a bound form into one that shows what was typed without judging it: no errors.

    For a preview, which is not a submission. Each field's initial value becomes what its
    widget read from the posted data; disabled fields keep theirs.
    """
    for name, field in form.fields.items():
        if not field.disabled:
            form.initial[name] = field.widget.value_from_datadict(
                form.data, form.files, form.add_prefix(name)
            )
    form.is_bound = False
    return form
