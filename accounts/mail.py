"""The mail an account sends: rendered from templates/accounts/email/, links from SITE_URL."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import tokens
from core.links import absolute_url

logger = logging.getLogger(__name__)


def _send(name: str, *, to: str, context: dict) -> None:
    context = {
        **context,
        "login_url": absolute_url(reverse("accounts:login")),
        "reset_url": absolute_url(reverse("accounts:password_reset")),
        "settings_url": absolute_url(reverse("accounts:settings")),
    }
    subject = " ".join(render_to_string(f"accounts/email/{name}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{name}.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except Exception:  # a mail server that is down must not undo what the fan did
        logger.exception("Could not send the %s mail for account %s", name, context["user"].pk)


def confirm_address(*, user, address: str) -> None:
    """Mail `address` the link that makes it the account's email."""
    token = tokens.make(user_id=user.pk, address=address)
    link = absolute_url(reverse("accounts:confirm_email", kwargs={"token": token}))
    _send(
        "confirm_email",
        to=address,
        context={"user": user, "confirm_url": link, "days": tokens.MAX_AGE.days},
    )


def address_in_use(*, owner, signing_up: bool) -> None:
    """Tell the owner of an address that someone else tried to use it."""
    _send("address_in_use", to=owner.email, context={"user": owner, "signing_up": signing_up})


def email_changed(*, user, old_address: str) -> None:
    """Tell the address an account just left where it went."""
    _send("email_changed", to=old_address, context={"user": user})
