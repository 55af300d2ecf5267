"""The Django admin: the editors' and the moderators' desks, one module each."""

from guide.admin import content, moderation, predictions  # noqa: F401 - importing registers the admins
