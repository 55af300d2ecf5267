"""Who is asking: the client's address, the same for every rule that counts by address.

Login lockouts (django-axes, through AXES_CLIENT_IP_CALLABLE) and the rate limits on
sign-up and password-reset mail all call `client_address`, so a proxy set-up that is
right for one is right for all.

Behind PROXY_COUNT trusted proxies, each proxy appends the address it received the
request from to X-Forwarded-For, and the last proxy is REMOTE_ADDR. So the client is
the PROXY_COUNT-th entry from the right: everything to its left was sent by the client
and proves nothing, and taking the leftmost entry would let anyone pick the address
they are counted under (and lock out whoever they like).
"""

import ipaddress

from django.conf import settings


def _as_address(text: str) -> str | None:
    """The address in one X-Forwarded-For entry, without a port; None if it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address of the client, as far as the trusted proxies in front of us saw it."""
    remote = _as_address(request.META.get("REMOTE_ADDR", ""))
    count = settings.PROXY_COUNT
    if count < 1:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        # Reached us without passing a proxy (a health check on the private network).
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, and the first
    # entry is what the first proxy it met saw.
    trusted = hops[-count] if len(hops) >= count else hops[0]
    return _as_address(trusted) or remote
