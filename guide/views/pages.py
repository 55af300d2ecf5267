"""The guide's public pages: home, shows, season guides and characters."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from core.pagecache import cache_for_visitors
from core.seo import PageMeta
from guide import cards, selectors, seo, topics
from guide.models import Character, Season, Show, Theory

HOME_THEORIES = 8
PAGE_THEORIES = selectors.PAGE_THEORIES


@cache_for_visitors(topics=[topics.THEORIES], fans=True)
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


@cache_for_visitors(topics=[], fans=True)
def show_list(request):
    shows = Show.objects.published().prefetch_related(
        Prefetch("seasons", queryset=Season.objects.order_by("number"))
    )
    page_meta = PageMeta(
        title=_("Shows"),
        description=_("Every show Next Season follows, with the status of each season."),
    )
    return render(request, "guide/show_list.html", {"shows": shows, "page_meta": page_meta})


@cache_for_visitors(topics=[topics.THEORIES], fans=True)
def show_detail(request, slug):
    show = get_object_or_404(
        Show.objects.previewable_by(request.user).with_follow_of(request.user), slug=slug
    )
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


@cache_for_visitors(topics=[topics.THEORIES], fans=True)
def season_detail(request, slug, number):
    guide = selectors.season_guide(slug=slug, number=number, user=request.user)
    cast = guide.returning_cast + guide.new_cast
    return render(
        request,
        "guide/season_detail.html",
        {
            "show": guide.season.show,
            "season": guide.season,
            "seasons": guide.seasons,
            "facts": guide.facts,
            "episodes": guide.episodes,
            "timeline": guide.timeline,
            "returning_cast": guide.returning_cast,
            "new_cast": guide.new_cast,
            "theories": guide.theories,
            "page_meta": seo.for_season(request, guide.season, cast, guide.episodes),
        },
    )


@cache_for_visitors(topics=[topics.THEORIES], fans=True)
def character_detail(request, slug, character):
    character = get_object_or_404(
        Character.objects.previewable_by(request.user).select_related("show", "actor"),
        show__slug=slug,
        slug=character,
    )
    statuses = character.statuses.select_related("season__show").order_by("season__number")
    theories = Theory.objects.for_listing(request.user).about(character).hot()[:PAGE_THEORIES]
    other_roles = (
        character.actor.roles.published().exclude(pk=character.pk).select_related("show")
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


# Share cards (guide.cards): public, the same for everyone, reused by link previews for an
# hour; the server keeps each drawing until what it says changes.


@cache_control(public=True, max_age=3600)
def season_card(request, slug, number):
    season, theories, facts = selectors.season_card(slug, number)
    return HttpResponse(
        cards.png(cards.season_lines, season=season, theories=theories, facts=facts),
        content_type="image/png",
    )


@cache_control(public=True, max_age=3600)
def character_card(request, slug, character):
    found, theories = selectors.character_card(slug, character)
    return HttpResponse(
        cards.png(cards.character_lines, character=found, theories=theories),
        content_type="image/png",
    )
