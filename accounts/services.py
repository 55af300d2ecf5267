from django.db import transaction

from guide import services as guide_services


@transaction.atomic
def delete_account(*, user) -> None:
    """Votes go with the counts they fed; theories and comments stay, by "deleted fan"."""
    guide_services.forget_fan(user=user)
    user.delete()
