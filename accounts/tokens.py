"""The signed, expiring token in an email-confirmation link.

It names the account and, as a keyed fingerprint, the address it confirms: the address
itself never shows in a URL (nor in server logs). A token confirms only the address
that is still waiting on that account, so it is spent once that address is confirmed,
and a newer request makes older links void.
"""

import datetime

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "accounts.email-confirmation"
MAX_AGE = datetime.timedelta(days=2)


class BadToken(Exception):
    """The link is altered, expired, or no longer matches a waiting address."""


def _fingerprint(address: str) -> str:
    return salted_hmac(SALT, address.strip().casefold(), algorithm="sha256").hexdigest()[:32]


def make(*, user_id: int, address: str) -> str:
    return signing.dumps([user_id, _fingerprint(address)], salt=SALT)


def read(token: str) -> tuple[int, str]:
    """(user id, fingerprint) from a token; BadToken if it is altered or too old."""
    try:
        user_id, fingerprint = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken from error
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        raise BadToken
    return user_id, fingerprint


def confirms(fingerprint: str, address: str) -> bool:
    return bool(address) and constant_time_compare(fingerprint, _fingerprint(address))
