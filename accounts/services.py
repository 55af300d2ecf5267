from django.db import transaction

from core import freshness
from guide import services as guide_services
from guide import topics


@transaction.atomic
def update_profile(*, user, display_name: str, bio: str, email: str) -> None:
    """A fan's name shows on every theory and comment of theirs: pages must follow."""
    user.display_name, user.bio, user.email = display_name, bio, email
    user.save(update_fields=["display_name", "bio", "email"])
    freshness.touch(*topics.fan_names(user.pk))


@transaction.atomic
def delete_account(*, user) -> None:
    """Votes go with the counts they fed; theories and comments stay, by "deleted fan"."""
    guide_services.forget_fan(user=user)
    user.delete()
