"""What the guide's cached pages show, named as topics (core.freshness).

Pages name the topics they show (views, feeds, sitemaps); writes touch the topics of
what they changed (services). Pure names: no Django, no models.

- THEORIES: every listing of theory cards (home, show, season and character pages, the
  theory list, profiles, search, the leaderboard, feeds, the sitemap). Cards show a
  theory's title, spoiler tag, outcome and author, so posting, editing, deleting,
  hiding or settling a theory touches it, and so does renaming a fan. Counts on cards
  (votes, comments) touch nothing: they age out with the page.
- theory(pk): one theory's own page, with its comments.
- fan(pk): a fan's name and profile, on the pages that show their comments.
- MODERATION_LOG: the public moderation log.
"""

THEORIES = "theories"
MODERATION_LOG = "moderation-log"


def theory(pk: int) -> str:
    return f"theory:{pk}"


def fan(pk: int) -> str:
    return f"fan:{pk}"


def fan_names(pk: int) -> tuple[str, ...]:
    """Everywhere a fan's public name appears: what renaming or removing them touches."""
    return (fan(pk), THEORIES, MODERATION_LOG)
