"""What the guide's cached pages show, named as topics (core.freshness).

Pages name the topics they show (views, feeds, sitemaps); writes touch the topics of
what they changed (services). Pure names: no Django, no models.

- THEORIES: every listing of theory cards (home, show, season and character pages, the
  theory list, profiles, search, the leaderboard, feeds, the sitemap). A card shows a
  theory's title, spoiler tag, outcome, author and where it belongs (its season, its
  characters), so posting, deleting, hiding or settling a theory touches it, and so do
  an edit that changes one of those and a fan's new name. Counts on cards (votes,
  comments) touch nothing: they age out with the page.
- THEORY_TEXTS: where a theory's own text counts beyond its page: search (what matches),
  feeds (excerpts) and the sitemap (when it last changed). Every theory edit touches it.
- theory(pk): one theory's own page, with its comments.
- fan(pk): a fan's name, on the pages that show their comments.
- reader(pk): what one fan alone sees on the pages shared with fans: how far they have
  watched, and whether they have hidden content of their own (guide.reading).
- MODERATION_LOG: the public moderation log.
"""

THEORIES = "theories"
THEORY_TEXTS = "theory-texts"
MODERATION_LOG = "moderation-log"


def theory(pk: int) -> str:
    return f"theory:{pk}"


def prediction(pk: int) -> str:
    """A prediction's page: its crowd, history and resolution."""
    return f"prediction:{pk}"


def fan(pk: int) -> str:
    return f"fan:{pk}"


def reader(pk: int) -> str:
    return f"reader:{pk}"


def theory_anywhere(pk: int) -> tuple[str, ...]:
    """A theory that appears or goes: its page, every listing, every text."""
    return (theory(pk), THEORIES, THEORY_TEXTS)


def fan_names(pk: int) -> tuple[str, ...]:
    """Everywhere a fan's public name appears: what renaming or removing them touches."""
    return (fan(pk), THEORIES, MODERATION_LOG)
