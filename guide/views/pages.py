"""The guide's public pages: home, shows, season guides and characters."""

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from guide import seo
from guide.models import (
    Character,
    CharacterStatus,
    Milestone,
    Season,
    Show,
    Theory,
)
from guide.pagecache import cache_for_visitors

HOME_THEORIES = 8
PAGE_THEORIES = 5


@cache_for_visitors
def home(request):
    shows = Show.objects.published()
    featured = shows.order_by("-is_featured", "title").first()
    upcoming = (
        Season.objects.published()
        .upcoming()
        .select_related("show")
        .order_by("release_date", "show__title", "number")[:6]
    )
    theories = Theory.objects.for_listing(request.user).hot()[:HOME_THEORIES]
    return render(
        request,
        "guide/home.html",
        {
            "featured": featured,
            "upcoming": upcoming,
            "theories": theories,
            "page_meta": seo.for_home(request),
        },
    )


@cache_for_visitors
def show_list(request):
    shows = Show.objects.published().prefetch_related(
        Prefetch("seasons", queryset=Season.objects.order_by("number"))
    )
    page_meta = seo.PageMeta(
        title=_("Shows"),
        description=_("Every show Next Season follows, with the status of each season."),
    )
    return render(request, "guide/show_list.html", {"shows": shows, "page_meta": page_meta})


@cache_for_visitors
def show_detail(request, slug):
    show = get_object_or_404(Show.objects.published(), slug=slug)
    seasons = list(show.seasons.order_by("number"))
    characters = show.characters.select_related("actor").order_by("billing_order", "name")
    theories = (
        Theory.objects.for_listing(request.user).filter(season__show=show).hot()[:PAGE_THEORIES]
    )
    characters = list(characters)
    return render(
        request,
        "guide/show_detail.html",
        {
            "show": show,
            "seasons": seasons,
            "characters": characters,
            "theories": theories,
            "page_meta": seo.for_show(request, show, seasons, characters),
        },
    )


@cache_for_visitors
def season_detail(request, slug, number):
    season = get_object_or_404(
        Season.objects.published().select_related("show"), show__slug=slug, number=number
    )
    show = season.show
    facts = list(season.facts.select_related("quoted_person").order_by("order", "pk"))
    earlier = CharacterStatus.objects.filter(
        character=OuterRef("character"), season__show=show, season__number__lt=season.number
    )
    cast = list(
        season.character_statuses.select_related("character__actor", "character__show")
        .annotate(is_returning=Exists(earlier))
        .order_by("character__billing_order", "character__name")
    )
    theories = Theory.objects.for_listing(request.user).for_season(season).hot()[:PAGE_THEORIES]
    return render(
        request,
        "guide/season_detail.html",
        {
            "show": show,
            "season": season,
            "seasons": show.seasons.order_by("number"),
            "facts": [fact for fact in facts if not fact.milestone or fact.answer],
            "timeline": _timeline(season, facts),
            "returning_cast": [entry for entry in cast if entry.is_returning],
            "new_cast": [entry for entry in cast if not entry.is_returning],
            "theories": theories,
            "page_meta": seo.for_season(request, season, cast),
        },
    )


def _timeline(season, facts):
    """The season's dated milestones, oldest first, from its facts and its own dates."""
    entries = [
        {"date": fact.happened_on, "label": fact.get_milestone_display(), "fact": fact}
        for fact in facts
        if fact.milestone and fact.happened_on
    ]
    covered = {fact.milestone for fact in facts if fact.milestone}
    if season.renewal_announced_on and "renewed" not in covered:
        entries.append({"date": season.renewal_announced_on, "label": _label("renewed")})
    if season.release_date and "released" not in covered:
        entries.append({"date": season.release_date, "label": _label("released")})
    return sorted(entries, key=lambda entry: entry["date"])


def _label(milestone: str) -> str:
    return Milestone(milestone).label


@cache_for_visitors
def character_detail(request, slug, character):
    character = get_object_or_404(
        Character.objects.select_related("show", "actor").filter(show__is_published=True),
        show__slug=slug,
        slug=character,
    )
    statuses = character.statuses.select_related("season__show").order_by("season__number")
    theories = Theory.objects.for_listing(request.user).about(character).hot()[:PAGE_THEORIES]
    other_roles = (
        character.actor.roles.exclude(pk=character.pk)
        .filter(show__is_published=True)
        .select_related("show")
        if character.actor
        else Character.objects.none()
    )
    return render(
        request,
        "guide/character_detail.html",
        {
            "show": character.show,
            "character": character,
            "statuses": statuses,
            "theories": theories,
            "other_roles": other_roles,
            "page_meta": seo.for_character(request, character),
        },
    )
