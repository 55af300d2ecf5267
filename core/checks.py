"""Checks for the settings that only hold together when set together."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

from core.links import site_url_problem


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


@register()
def site_url_is_an_origin(app_configs, **kwargs):
    problem = site_url_problem(settings.SITE_URL)
    if problem:
        return [
            Error(
                f"SITE_URL {settings.SITE_URL!r} is not usable: {problem}.",
                hint="Set SITE_URL to the site's address, e.g. https://guide.example.org",
                id="core.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def site_url_is_served_here(app_configs, **kwargs):
    """Links in mail must be HTTPS and point at a host this site answers for."""
    if site_url_problem(settings.SITE_URL):
        return []  # core.E001 says what is wrong
    parts = urlsplit(settings.SITE_URL)
    problems = []
    if parts.scheme != "https":
        problems.append(
            Warning(
                "SITE_URL is not HTTPS: links in mail (password reset, email change) "
                "would travel in the clear.",
                id="core.W002",
            )
        )
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            Warning(
                f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS: links in mail "
                "would lead to a site that refuses them.",
                id="core.W003",
            )
        )
    return problems
