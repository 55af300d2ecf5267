"""Moderators may hide a single picture of a theory in the admin (its theory untouched)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = ["view_theoryimage", "change_theoryimage"]


def grant(apps, schema_editor):
    # Within migrate, the new model's permissions are made only once it ends: make them now.
    guide = apps.get_app_config("guide")
    guide.models_module = True
    create_permissions(guide, apps=apps, verbosity=0)
    guide.models_module = None
    let_moderators_hide_pictures(apps)


def let_moderators_hide_pictures(apps):
    """The grant itself, for any app registry where the permissions exist (the tests put
    it back after a flush with this)."""
    _each_grant(apps, lambda group, permissions: group.permissions.add(*permissions))


def revoke(apps, schema_editor):
    _each_grant(apps, lambda group, permissions: group.permissions.remove(*permissions))


def _each_grant(apps, change):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pictures = Permission.objects.filter(
        content_type__app_label="guide", codename__in=MODERATORS
    )
    for group in Group.objects.filter(name="Moderators"):
        change(group, pictures)


class Migration(migrations.Migration):
    dependencies = [("guide", "0033_theory_images")]

    operations = [migrations.RunPython(grant, revoke)]
