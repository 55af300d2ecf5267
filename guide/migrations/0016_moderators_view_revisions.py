"""Moderators may read every revision in the admin, as they read the moderation log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Within migrate, the new model's permissions are made only once it ends: make them now.
    guide = apps.get_app_config("guide")
    guide.models_module = True
    create_permissions(guide, apps=apps, verbosity=0)
    guide.models_module = None
    let_moderators_read_revisions(apps)


def let_moderators_read_revisions(apps):
    """The grant itself, for any app registry where the permission exists (the tests put
    it back after a flush with this)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="guide", codename="view_revision")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    view = Permission.objects.filter(content_type__app_label="guide", codename="view_revision")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*view)


class Migration(migrations.Migration):
    dependencies = [("guide", "0015_revision")]

    operations = [migrations.RunPython(grant, revoke)]
