"""Atom feeds. Feed readers have no spoiler setting, so spoiler-tagged items are shielded."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide.models import Season, Show, Theory

FEED_SIZE = 30


class TheoryFeedMixin:
    feed_type = Atom1Feed

    def item_title(self, theory):
        if not theory.spoiler_season:
            return theory.title
        if theory.spoiler_free_title:
            return _("Spoiler for season %(n)s: %(headline)s") % {
                "n": theory.spoiler_season,
                "headline": theory.spoiler_free_title,
            }
        return _("Spoiler for season %(n)s: a theory about %(season)s") % {
            "n": theory.spoiler_season,
            "season": theory.season,
        }

    def item_description(self, theory):
        if theory.spoiler_season:
            return _(
                "This theory reveals events of season %(n)s. Open it on the site to read it."
            ) % {"n": theory.spoiler_season}
        return theory.excerpt

    def item_author_name(self, theory):
        return theory.author.public_name if theory.author else _("deleted fan")

    def item_pubdate(self, theory):
        return theory.created_at

    def item_updateddate(self, theory):
        return theory.edited_at or theory.created_at

    def _theories(self):
        return (
            Theory.objects.visible_to(None)
            .standing()
            .select_related("author", "season__show")
            .new()
        )


class LatestTheoriesFeed(TheoryFeedMixin, Feed):
    title = gettext_lazy("Next Season: new theories")
    link = reverse_lazy("guide:theory_list")
    subtitle = gettext_lazy("The newest fan theories about coming seasons.")

    def items(self):
        return self._theories()[:FEED_SIZE]


class ShowTheoriesFeed(TheoryFeedMixin, Feed):
    def get_object(self, request, slug):
        return get_object_or_404(Show.objects.published(), slug=slug)

    def title(self, show):
        return _("New theories about %(show)s") % {"show": show.title}

    def link(self, show):
        return show.get_absolute_url()

    def items(self, show):
        return self._theories().filter(season__show=show)[:FEED_SIZE]


class SeasonTheoriesFeed(TheoryFeedMixin, Feed):
    def get_object(self, request, slug, number):
        return get_object_or_404(
            Season.objects.published().select_related("show"), show__slug=slug, number=number
        )

    def title(self, season):
        return _("New theories about %(season)s") % {"season": season}

    def link(self, season):
        return season.get_absolute_url()

    def items(self, season):
        return self._theories().for_season(season)[:FEED_SIZE]


class SeasonFactsFeed(Feed):
    """Changes to a season's "everything we know", newest change first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug, number):
        return get_object_or_404(
            Season.objects.published().select_related("show"), show__slug=slug, number=number
        )

    def title(self, season):
        return _("Everything we know about %(season)s: updates") % {"season": season}

    def link(self, season):
        return season.get_absolute_url()

    def items(self, season):
        return season.facts.select_related("season__show").order_by("-updated_at", "-pk")[
            :FEED_SIZE
        ]

    def item_title(self, fact):
        if fact.spoiler_season:
            return _("Spoiler for season %(n)s: an update") % {"n": fact.spoiler_season}
        return fact.question

    def item_description(self, fact):
        if fact.spoiler_season:
            return _(
                "This update reveals events of season %(n)s. Open it on the site to read it."
            ) % {"n": fact.spoiler_season}
        return fact.answer

    def item_pubdate(self, fact):
        return fact.created_at

    def item_updateddate(self, fact):
        return fact.updated_at
