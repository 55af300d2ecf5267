"""Atom feeds, and each show's calendar. Feed readers and calendar apps have no spoiler
setting, so spoiler-tagged items are shielded."""

from datetime import timedelta

import icalendar
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.seo import absolute
from guide import selectors
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


def show_calendar(request, slug):
    """A show's calendar (RFC 5545) for calendar apps to subscribe to: an all-day event
    for each dated season premiere and each dated episode. An episode is named by its
    number alone: its title tells what happens in its season."""
    show = get_object_or_404(Show.objects.published(), slug=slug)
    seasons, episodes = selectors.dated_releases(show)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Next Season//calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("%(show)s on Next Season") % {"show": show.title}
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)  # the name most calendar apps read
    calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("url", absolute(request, show.get_absolute_url()))
    host = request.get_host()
    for season in seasons:
        summary = _("%(show)s season %(n)s premieres") % {"show": show.title, "n": season.number}
        calendar.add_component(
            _all_day_event(
                uid=f"season-{season.pk}@{host}",
                on=season.release_date,
                summary=summary,
                url=absolute(request, season.get_absolute_url()),
                stamp=season.updated_at,
            )
        )
    for episode in episodes:
        summary = _("%(show)s season %(season)s, episode %(n)s") % {
            "show": show.title,
            "season": episode.season.number,
            "n": episode.number,
        }
        calendar.add_component(
            _all_day_event(
                uid=f"episode-{episode.pk}@{host}",
                on=episode.release_date,
                summary=summary,
                url=absolute(request, episode.get_absolute_url()),
                stamp=episode.season.updated_at,
            )
        )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{show.slug}.ics"'
    return response


def _all_day_event(*, uid: str, on, summary: str, url: str, stamp) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)  # when the editors last changed it: the same calendar twice
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", url)  # apps that show no URL field show this
    event.add("transp", "TRANSPARENT")  # a premiere does not make anyone busy
    return event
