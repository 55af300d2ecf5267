"""sitemap.xml: an index of section pages (pages, shows, seasons, characters, and as
many pages of theories as there are), each cached for crawlers like any visitor's page.

A hidden theory or an unpublished show leaves at once (hiding touches the theory
listings, an editor's change the whole site) and in any case within VISITOR_PAGE_SECONDS.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.urls import reverse

from core.pagecache import cache_for_visitors
from guide import topics
from guide.models import Character, Season, Show, Theory


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["guide:home", "guide:show_list", "guide:theory_list", "guide:leaderboard"]

    def location(self, name):
        return reverse(name)


class ShowSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Show.objects.published().order_by("pk")

    def lastmod(self, show):
        return show.updated_at


class SeasonSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Season.objects.published().select_related("show").order_by("pk")

    def lastmod(self, season):
        return season.updated_at


class CharacterSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Character.objects.published().select_related("show").order_by("pk")

    def lastmod(self, character):
        return character.updated_at


class TheorySitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return (
            Theory.objects.visible_to(None)
            .standing()
            .order_by("pk")
            # The address needs what decides its slug (Theory.url_slug).
            .only("pk", "slug", "is_hidden", "withdrawn_at", "created_at", "edited_at")
        )

    def lastmod(self, theory):
        return theory.edited_at or theory.created_at

    def get_latest_lastmod(self):
        """One aggregate, where Django's default would read every theory for the index."""
        latest = self.items().aggregate(latest=Max(Coalesce("edited_at", "created_at")))
        return latest["latest"]


SITEMAPS = {
    "pages": StaticSitemap,
    "shows": ShowSitemap,
    "seasons": SeasonSitemap,
    "characters": CharacterSitemap,
    "theories": TheorySitemap,
}


@cache_for_visitors(topics=[topics.THEORIES, topics.THEORY_TEXTS])
def index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")


@cache_for_visitors(topics=[topics.THEORIES, topics.THEORY_TEXTS], params=["p"])
def section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
