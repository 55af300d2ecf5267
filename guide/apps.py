from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.core import checks
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """SQLite has no accent folding of its own: lend it the search module's."""
    if connection.vendor == "sqlite":
        from guide.textfold import fold

        connection.connection.create_function(
            "ns_fold", 1, lambda text: None if text is None else fold(text), deterministic=True
        )


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = _("Guide")

    def ready(self):
        from guide import tasks  # noqa: F401 - connects the receivers that enqueue tasks
        from guide.models.season_text import check_season_text
        from guide.views.reader import language_at_sign_in

        connection_created.connect(register_sqlite_functions, dispatch_uid="guide.sqlite_fold")
        checks.register(check_season_text, checks.Tags.models)
        user_logged_in.connect(language_at_sign_in, dispatch_uid="guide.language_at_sign_in")
