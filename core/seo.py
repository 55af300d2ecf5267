"""What a page says about itself in its <head>: title, description, sharing tags and
structured data. Each app builds its pages' PageMeta from these pieces."""

from dataclasses import dataclass, field

from django.core.exceptions import DisallowedHost

SITE_NAME = "Next Season"
DESCRIPTION_LENGTH = 160


@dataclass
class PageMeta:
    title: str
    description: str
    og_type: str = "website"
    image: str = ""
    image_alt: str = ""
    structured_data: list[dict] = field(default_factory=list)
    # The robots meta tag, when the page should not be indexed as usual.
    robots: str = ""

    @property
    def full_title(self) -> str:
        return self.title if self.title.startswith(SITE_NAME) else f"{self.title} · {SITE_NAME}"


def short(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def absolute(request, url: str) -> str:
    """The full address of `url` on this site; the path alone when the request's host is
    not one we serve (the 400 page for that request must still render)."""
    if not url:
        return ""
    try:
        return request.build_absolute_uri(url)
    except DisallowedHost:
        return url


def robots_for_page(*, first_page: bool) -> str:
    """A list's later pages (core.pagination) are moving slices of it, reached through a
    cursor: crawlers follow their links to what they list but index only the first page,
    which is their canonical address too (core.context_processors)."""
    return "" if first_page else "noindex,follow"
