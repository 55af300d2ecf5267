"""What a page says about itself in its <head>: title, description, sharing tags and
structured data. Each app builds its pages' PageMeta from these pieces."""

from dataclasses import dataclass, field

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
    return request.build_absolute_uri(url) if url else ""
