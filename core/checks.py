"""Deployment checks for the settings that only hold together when set together."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_matches_the_proxy(app_configs, **kwargs):
    """A trusted TLS proxy means at least one proxy: else every fan shares its address."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.PROXY_COUNT < 1:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER trusts a proxy, but PROXY_COUNT is 0: every "
                "request would count as the proxy's, so log-in lockouts and rate limits "
                "would hit everyone at once.",
                hint="Set PROXY_COUNT to the number of proxies in front of the site.",
                id="core.W001",
            )
        ]
    return []
