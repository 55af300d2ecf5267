"""Editors ask community questions and say when an answer became public; moderators
resolve predictions. Both through the admin, which shows each only their own fields."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = ["add_prediction", "change_prediction", "view_prediction", "delete_prediction"]
MODERATORS = ["change_prediction", "view_prediction"]


def grant(apps, schema_editor):
    # Within migrate, the new model's permissions are made only once it ends: make them now.
    guide = apps.get_app_config("guide")
    guide.models_module = True
    create_permissions(guide, apps=apps, verbosity=0)
    guide.models_module = None
    let_staff_handle_predictions(apps)


def let_staff_handle_predictions(apps):
    """The grant itself, for any app registry where the permissions exist (the tests put
    it back after a flush with this)."""
    _each_grant(apps, lambda group, permissions: group.permissions.add(*permissions))


def revoke(apps, schema_editor):
    _each_grant(apps, lambda group, permissions: group.permissions.remove(*permissions))


def _each_grant(apps, change):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    guide = Permission.objects.filter(content_type__app_label="guide")
    for name, codenames in (("Editors", EDITORS), ("Moderators", MODERATORS)):
        for group in Group.objects.filter(name=name):
            change(group, guide.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("guide", "0027_predictions_and_forecasts")]

    operations = [migrations.RunPython(grant, revoke)]
