from django.db import migrations, models

from guide.textfold import fold

INDEX = "guide_theory_search_idx"


def fill_search_text(apps, schema_editor):
    Theory = apps.get_model("guide", "Theory")
    for theory in Theory.objects.only("pk", "title", "body").iterator():
        Theory.objects.filter(pk=theory.pk).update(search_text=fold(f"{theory.title}\n{theory.body}"))


def create_search_vector(apps, schema_editor):
    # PostgreSQL only: a stored tsvector of search_text, computed by the database on every
    # write, and its GIN index. The model does not declare it (SQLite has no such type);
    # guide.search reads it by name.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE guide_theory ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, search_text)) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX} ON guide_theory USING gin (search_vector)")


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE guide_theory DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("guide", "0004_moderation_target_kind")]

    operations = [
        migrations.AddField(
            model_name="theory",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_search_vector, drop_search_vector),
    ]
