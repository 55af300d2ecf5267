"""Every admin change form saves, and saves again: never a 500, with or without images.

The models come from the admin's own registry and the posted data from the rendered
page, so a newly registered model or field is covered without editing this file.
"""

from http import HTTPStatus

import pytest
from django.db import models

from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import REGISTERED, admin_url, image_upload, model_id, one_of_each


def _image_fields(model) -> list[str]:
    return [field.name for field in model._meta.fields if isinstance(field, models.ImageField)]


CASES = [
    pytest.param(model, None, None, id=f"{model_id(model)}-no-image") for model in REGISTERED
] + [
    pytest.param(model, name, image_format, id=f"{model_id(model)}-{name}-{image_format}")
    for model in REGISTERED
    for name in _image_fields(model)
    for image_format in ("PNG", "JPEG")
]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _errors(response) -> str:
    """The form and inline errors on a page that did not save, for the failure message."""
    context = response.context
    if context is None or "adminform" not in context:
        return response.text[:500]
    errors = [context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in context["inline_admin_formsets"]]
    return repr(errors)


def test_every_registered_model_has_a_row_to_edit(db):
    rows = one_of_each()
    assert set(REGISTERED) <= set(rows), "add a row of the new model to tests/admin_world.py"


def test_both_image_fields_are_covered():
    covered = {(model, name) for model in REGISTERED for name in _image_fields(model)}
    assert {(model._meta.model_name, name) for model, name in covered} >= {
        ("show", "poster"),
        ("character", "portrait"),
    }


@pytest.mark.parametrize(("model", "image_field", "image_format"), CASES)
def test_a_change_form_saves_twice(model, image_field, image_format, media_root, superuser_client):
    row = one_of_each()[model]
    url = admin_url(model, "change", row.pk)
    uploads = image_field and f'type="file" name="{image_field}"' in superuser_client.get(url).text
    for attempt in ("first", "second"):
        page = superuser_client.get(url)
        assert page.status_code == HTTPStatus.OK, attempt
        data = change_form_fields(page)
        if uploads and attempt == "first":
            data[image_field] = image_upload(image_format)
            if f"{image_field}_alt" in data:
                data[f"{image_field}_alt"] = ["Students on the school roof"]
        response = superuser_client.post(url, data)
        if not page.context["has_change_permission"]:
            assert response.status_code == HTTPStatus.FORBIDDEN, attempt
            continue
        assert response.status_code == HTTPStatus.FOUND, f"{attempt} save: {_errors(response)}"
    if image_field and not uploads:
        # Shown, not replaced (a fan's picture): the save keeps it as it was.
        assert (
            type(row).objects.values_list(image_field, flat=True).get(pk=row.pk)
            == getattr(row, image_field).name
        )
    elif image_field:
        row.refresh_from_db()
        stored = getattr(row, image_field)
        assert stored.name.endswith(".png" if image_format == "PNG" else ".jpg")
        assert stored.storage.exists(stored.name)
        assert (media_root / stored.name).is_file()
