from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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
            .order_by("pk")
            .only("pk", "slug", "created_at", "edited_at")
        )

    def lastmod(self, theory):
        return theory.edited_at or theory.created_at


SITEMAPS = {
    "pages": StaticSitemap,
    "shows": ShowSitemap,
    "seasons": SeasonSitemap,
    "characters": CharacterSitemap,
    "theories": TheorySitemap,
}
