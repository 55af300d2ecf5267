"""Every write to an account: atomic, keyword-only. Mail goes out once the write commits."""

import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts import export as export_module
from accounts import mail, tokens
from accounts.models import DataExport, User
from core import freshness
from guide import services as guide_services
from guide import topics

# An export waits for the task worker (accounts.tasks enqueues it): sent with export_id.
export_ready = Signal()


class AddressTaken(Exception):
    """The address was confirmed for another account while this one waited."""


class UsernameTaken(Exception):
    """Another sign-up took the username between the form's check and the write."""


def _owner_of(address: str, *, besides: User) -> User | None:
    return User.objects.filter(email__iexact=address).exclude(pk=besides.pk).first()


def _ask_to_confirm(*, user: User, address: str, signing_up: bool) -> None:
    """Mail the confirmation link; if the address is another account's, tell its owner.

    Either way the fan who typed it sees the same thing, so neither sign-up nor a change
    of email tells anyone which addresses have an account here.
    """
    owner = _owner_of(address, besides=user)
    if owner is not None:
        transaction.on_commit(
            lambda: mail.address_in_use(owner=owner, signing_up=signing_up), robust=True
        )
    else:
        transaction.on_commit(lambda: mail.confirm_address(user=user, address=address), robust=True)


@transaction.atomic
def sign_up(*, username: str, email: str, password: str) -> User:
    """A new account, signed in at once; its email counts once the link is followed."""
    user = User(username=username, pending_email=email)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise UsernameTaken from error
    _ask_to_confirm(user=user, address=email, signing_up=True)
    return user


@transaction.atomic
def request_email_change(*, user: User, address: str) -> None:
    """`address` waits for confirmation; until then the account keeps its email."""
    user.pending_email = address
    user.save(update_fields=["pending_email"])
    _ask_to_confirm(user=user, address=address, signing_up=False)


def _waiting_for(token: str, users) -> User:
    user_id, fingerprint = tokens.read(token)
    user = users.filter(pk=user_id, is_active=True).first()
    if user is None or not tokens.confirms(fingerprint, user.pending_email):
        raise tokens.BadToken
    return user


def pending_change(*, token: str) -> User:
    """The account whose waiting address `token` confirms; tokens.BadToken if none."""
    return _waiting_for(token, User.objects.all())


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Make the waiting address the account's email, and tell the address it leaves."""
    user = _waiting_for(token, User.objects.select_for_update())
    address = user.pending_email
    if not address or _owner_of(address, besides=user) is not None:
        raise AddressTaken
    old_address, user.email, user.pending_email = user.email, address, ""
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "pending_email"])
    except IntegrityError as error:  # confirmed elsewhere between the check and the write
        raise AddressTaken from error
    if old_address and old_address.casefold() != address.casefold():
        transaction.on_commit(
            lambda: mail.email_changed(user=user, old_address=old_address), robust=True
        )
    return user


@transaction.atomic
def update_profile(*, user, display_name: str, bio: str) -> None:
    """A fan's name shows on every theory and comment of theirs: pages must follow."""
    user.display_name, user.bio = display_name, bio
    user.save(update_fields=["display_name", "bio"])
    freshness.touch(*topics.fan_names(user.pk))


@transaction.atomic
def delete_account(*, user) -> None:
    """Votes go with the counts they fed; theories and comments stay, by "deleted fan".

    The user row is locked first, the lock every write on the fan's behalf takes
    (guide.services.hold_fan): a write under way ends before the deletion looks at the
    fan's rows, and a later one finds the account gone.
    """
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    guide_services.forget_fan(user=user)
    _forget_exports(user)
    user.delete()


# Exports -----------------------------------------------------------------------------------


def _forget_exports(user) -> None:
    """Earlier exports go, their files once the transaction commits (a rollback keeps
    both)."""
    for earlier in DataExport.objects.filter(user=user):
        name, storage = earlier.file.name, earlier.file.storage
        if name:
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        earlier.delete()


@transaction.atomic
def queue_export(*, user) -> DataExport:
    """A new export for the task worker to make (accounts.tasks), in place of any
    earlier one: a fan keeps one file, the latest."""
    _forget_exports(user)
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: export_ready.send(sender=DataExport, export_id=export.pk))
    return export


def prepare_export(*, export_id: int) -> bool:
    """Make the file of an export still waiting; False if there is none to make (made
    already, or replaced by a newer request). The archive is made outside any
    transaction: it may take a while, and holds no lock meanwhile."""
    export = (
        DataExport.objects.filter(pk=export_id, ready_at__isnull=True)
        .select_related("user")
        .first()
    )
    if export is None:
        return False
    content = export_module.archive(export.user)
    name = export.file.storage.save(f"{secrets.token_hex(16)}.zip", ContentFile(content))
    made = DataExport.objects.filter(pk=export.pk, ready_at__isnull=True).update(
        file=name, size=len(content), ready_at=timezone.now()
    )
    if not made:  # replaced or made meanwhile: this file is no one's
        export.file.storage.delete(name)
    return bool(made)
