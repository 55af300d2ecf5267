"""Shared form pieces in core: they refuse what the database could not hold."""

import pytest
from django import forms

from accounts.models import User
from core.forms import BoundedIdMultipleChoiceField, has_control_characters


class PickFans(forms.Form):
    fans = BoundedIdMultipleChoiceField(queryset=User.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "0", "-1", str(2**63), "1.0", " 1"])
def test_ids_that_are_not_plain_positive_integers_are_a_form_error(value):
    form = PickFans(data={"fans": [value]})
    assert not form.is_valid()
    assert "fans" in form.errors


@pytest.mark.django_db
def test_a_real_id_is_accepted():
    fan = User.objects.create_user("ana", password="x")
    form = PickFans(data={"fans": [str(fan.pk)]})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["fans"]) == [fan]


def test_control_characters_but_not_line_breaks_or_tabs():
    assert has_control_characters("a\x00b")
    assert has_control_characters("\x1b[31m")
    assert not has_control_characters("line\nbreak\tand\r\nreturn")
