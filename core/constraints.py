"""Database constraints reported like any other bad input: in words, next to the field."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router


class ConstraintErrorsByField:
    """Mixin for models: each broken constraint is reported on the field it is about.

    Django puts a CheckConstraint's message, and a UniqueConstraint's over several
    fields, above the whole form, far from what needs changing. Here each goes to one
    field: the one `constraint_fields` names for the constraint's rule (its name without
    the "<app>_<model>_" prefix), else the one field a check reads, else the last field
    of a unique constraint (the one people type: a number, a slug, a question).

    The words are each constraint's own `violation_error_message`.
    """

    constraint_fields: dict[str, str] = {}

    @classmethod
    def constraint_field(cls, constraint: models.BaseConstraint) -> str:
        opts = cls._meta
        rule = constraint.name.removeprefix(f"{opts.app_label}_{opts.model_name}_")
        if rule in cls.constraint_fields:
            return cls.constraint_fields[rule]
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            return constraint.fields[-1]
        condition = getattr(constraint, "condition", None)
        read = condition.referenced_base_fields if condition is not None else set()
        return next(iter(read)) if len(read) == 1 else NON_FIELD_ERRORS

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        errors: dict[str, list[ValidationError]] = {}
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = self.constraint_field(constraint)
                    if exclude and field in exclude:  # not on the form: say it above it
                        field = NON_FIELD_ERRORS
                    errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)
