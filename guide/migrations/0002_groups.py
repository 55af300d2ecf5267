"""The Editors and Moderators groups, so that a fresh database has them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["show", "season", "episode", "person", "character", "characterstatus", "fact"]
MODERATOR_PERMISSIONS = [
    "moderate_theory",
    "view_theory",
    "change_theory",
    "view_comment",
    "change_comment",
    "view_report",
    "change_report",
    "view_moderationaction",
]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make guide's now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    guide = Permission.objects.filter(content_type__app_label="guide")

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        guide.filter(
            content_type__model__in=EDITOR_MODELS,
            codename__regex=r"^(add|change|delete|view)_",
        )
    )
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.set(guide.filter(codename__in=MODERATOR_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
