"""What the editors' pages share: images kept after an error, autocompletes labelled
without a query per row, and a refused delete explained in words."""

from dataclasses import dataclass, field
from functools import cache

from django import forms
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import router
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class KeepStoredImagesMixin:
    """A page that did not save shows the stored images, never the upload it dropped.

    Browsers do not send a chosen file again, so a new upload is lost whenever anything
    on the page needs correcting. The form had already put it on the object, where the
    preview and the "Currently" link would point at a file that was never stored; the
    stored one goes back, and the field asks for the new one again.
    """

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if form.is_bound:  # a bound form is shown again only when the save failed
            for name, field in form.fields.items():
                if isinstance(field, forms.FileField):
                    keep_stored_file(form, name)
        return super().render_change_form(request, context, add, change, form_url, obj)


def keep_stored_file(form, name: str) -> None:
    instance = form.instance
    field = instance._meta.get_field(name)
    dimensions = [
        dimension
        for dimension in (getattr(field, "width_field", None), getattr(field, "height_field", None))
        if dimension
    ]
    stored = dict.fromkeys([name, *dimensions])
    if instance.pk is not None and not instance._state.adding:
        stored = type(instance)._default_manager.values(name, *dimensions).get(pk=instance.pk)
    # Straight into __dict__: assigning through the field would open the file to measure it.
    instance.__dict__[field.attname] = stored[name] or ""
    for dimension in dimensions:
        setattr(instance, dimension, stored[dimension])
    if name in form.files and not form.errors.get(name):
        form.add_error(
            name,
            ValidationError(
                _(
                    "Your new file was not saved, because something else on this page "
                    "needs correcting: choose it again before you save."
                ),
                code="choose_again",
            ),
        )


class LabelledAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that names its chosen item from labels loaded once for a page.

    Django's autocomplete looks up the chosen item's label with a query per widget, so
    a tabular inline would cost a query per row. `load_labels` takes a function that
    returns the candidates; it runs once, however many rows share the widget.
    """

    _labels = None

    def load_labels(self, candidates) -> None:
        # Widgets are copied shallowly for each form, so every row shares this function.
        self._labels = cache(lambda: {str(item.pk): str(item) for item in candidates()})

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        labels = self._labels() if self._labels is not None else {}
        if not all(pk in labels for pk in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in chosen:
            options.append(self.create_option(name, pk, labels[pk], set(chosen), len(options)))
        return [(None, options, 0)]


@dataclass
class DeleteBlocker:
    """Why a delete cannot happen, and some of the rows in the way (as plain text: the
    editor may not be allowed to open them)."""

    reason: str
    examples: list[str] = field(default_factory=list)
    count: int = 0

    SHOWN = 10

    @property
    def more(self) -> int:
        return self.count - len(self.examples)


class ExplainedDeleteRefusalMixin:
    """A delete that protected rows refuse is explained in words, not as a list of links.

    `delete_blockers` maps each protecting model to the reason, for the people who meet it.
    """

    delete_blockers: dict = {}
    delete_confirmation_template = "admin/explained_delete/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/explained_delete/delete_selected_confirmation.html"
    )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Nobody may delete these, so "you lack permission to delete them" says nothing.
            return deleted, counts, set(), self.blockers(objs)
        return deleted, counts, perms_needed, protected

    def blockers(self, objs) -> list[DeleteBlocker]:
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        found: dict[str, DeleteBlocker] = {}
        default = _("Other records depend on it, and they cannot be deleted with it.")
        # The collector gives a set: name the first rows by entry, the same each time.
        for obj in sorted(collector.protected, key=lambda row: (row._meta.label, row.pk)):
            reason = str(self.delete_blockers.get(type(obj), default))
            blocker = found.setdefault(reason, DeleteBlocker(reason))
            blocker.count += 1
            if len(blocker.examples) < DeleteBlocker.SHOWN:
                blocker.examples.append(f"{capfirst(obj._meta.verbose_name)}: {obj}")
        return list(found.values())
