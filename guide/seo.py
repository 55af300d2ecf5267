"""What each guide page says about itself to search engines and link previews.

The <head> of a page is seen by people who have not chosen a spoiler level (a link
preview in a chat, a search result), so anything tagged with a spoiler season is
described generically here, whatever the current reader has watched.
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.seo import SITE_NAME, PageMeta, absolute, robots_for_page, short


def _poster(request, show) -> tuple[str, str]:
    if show.poster:
        return absolute(request, show.poster.url), show.poster_alt
    return "", ""


def _series_data(request, show, season_count: int) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "TVSeries",
        "name": show.title,
        "url": absolute(request, show.get_absolute_url()),
        "description": short(show.tagline or show.synopsis),
        "genre": show.genre_list,
        "numberOfSeasons": season_count,
    }
    if show.original_title and show.original_title != show.title:  # a Korean page's name
        data["alternateName"] = show.original_title
    if show.creators:
        data["creator"] = [
            {"@type": "Person", "name": name.strip()} for name in show.creators.split(",")
        ]
    if show.poster:
        data["image"] = absolute(request, show.poster.url)
    return data


def for_theory_list(chosen: dict, *, first_page: bool) -> PageMeta:
    if season := chosen.get("season"):
        title = _("Theories about %(subject)s") % {"subject": season}
    elif character := chosen.get("character"):
        title = _("Theories about %(subject)s") % {"subject": character.name}
    elif show := chosen.get("show"):
        title = _("Theories about %(subject)s") % {"subject": show.title}
    else:
        title = _("Fan theories")
    if not first_page:
        title = _("%(title)s, continued") % {"title": title}
    return PageMeta(
        title=title,
        description=_("Fan theories about coming seasons, ranked by the fans' votes."),
        robots=robots_for_page(first_page=first_page),
    )


def for_home(request) -> PageMeta:
    return PageMeta(
        title=_("Next Season: what's coming in your show's next season"),
        description=_(
            "The fan guide to what is coming in your show's next season: everything we "
            "know, with sources, and the fans' theories."
        ),
        structured_data=[
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": SITE_NAME,
                "url": absolute(request, "/"),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": absolute(request, reverse("guide:search")) + "?q={query}",
                    "query-input": "required name=query",
                },
            }
        ],
    )


def for_show(request, show, seasons, characters) -> PageMeta:
    image, alt = _poster(request, show)
    series = _series_data(request, show, len(seasons))
    series["actor"] = [
        {"@type": "Person", "name": c.actor.name} for c in characters if c.actor is not None
    ]
    return PageMeta(
        title=_("%(show)s: fan guide") % {"show": show.title},
        description=short(show.tagline or show.synopsis),
        og_type="video.tv_show",
        image=image,
        image_alt=alt,
        structured_data=[series],
    )


def for_season(request, season, cast, episodes=()) -> PageMeta:
    show = season.show
    title = _("Everything we know about %(show)s season %(n)s") % {
        "show": show.title,
        "n": season.number,
    }
    release = (
        date_format(season.release_date, "DATE_FORMAT") if season.release_date else _("no date yet")
    )
    description = _(
        "%(show)s season %(n)s: %(status)s, release %(release)s. "
        "Cast, facts with sources, and fan theories."
    ) % {
        "show": show.title,
        "n": season.number,
        "status": season.get_status_display().lower(),
        "release": release,
    }
    data = {
        "@context": "https://schema.org",
        "@type": "TVSeason",
        "name": title,
        "seasonNumber": season.number,
        "url": absolute(request, season.get_absolute_url()),
        "partOfSeries": {
            "@type": "TVSeries",
            "name": show.title,
            "url": absolute(request, show.get_absolute_url()),
        },
        "actor": [
            {
                "@type": "PerformanceRole",
                "roleName": entry.character.name,
                "actor": {"@type": "Person", "name": entry.character.actor.name},
            }
            for entry in cast
            if entry.character.actor is not None
        ],
    }
    if season.episode_count:
        data["numberOfEpisodes"] = season.episode_count
    if season.release_date:
        data["startDate"] = season.release_date.isoformat()
    if episodes:
        data["episode"] = [_episode(request, episode) for episode in episodes]
    card = reverse("guide:season_card", args=[show.slug, season.number])
    return PageMeta(
        title=title,
        description=short(description),
        image=absolute(request, card),
        image_alt=_share_card_alt(title),
        structured_data=[data],
    )


def _share_card_alt(title: str) -> str:
    return _("Share card: %(title)s") % {"title": title}


def _episode(request, episode) -> dict:
    """An episode as structured data, named by its number: its title tells what happens
    in its season, and what search engines read is no reader's."""
    data = {
        "@type": "TVEpisode",
        "episodeNumber": episode.number,
        "name": _("Episode %(n)s") % {"n": episode.number},
        "url": absolute(request, episode.get_absolute_url()),
    }
    if episode.release_date:
        data["datePublished"] = episode.release_date.isoformat()
    if episode.runtime:
        data["timeRequired"] = f"PT{episode.runtime}M"  # ISO 8601 duration
    return data


def for_character(request, character) -> PageMeta:
    show = character.show
    actor = character.actor
    title = (
        _("%(character)s (%(actor)s) in %(show)s")
        % {"character": character.name, "actor": actor.name, "show": show.title}
        if actor
        else _("%(character)s in %(show)s") % {"character": character.name, "show": show.title}
    )
    data = {
        "@context": "https://schema.org",
        "@type": "PerformanceRole",
        "roleName": character.name,
        "url": absolute(request, character.get_absolute_url()),
        "partOfSeries": {"@type": "TVSeries", "name": show.title},
    }
    if actor:
        data["actor"] = {
            "@type": "Person",
            "name": actor.name,
            **(
                {"alternateName": actor.native_name}
                if actor.native_name and actor.native_name != actor.name
                else {}
            ),
        }
    card = reverse("guide:character_card", args=[show.slug, character.slug])
    return PageMeta(
        title=title,
        description=short(character.description),
        og_type="profile",
        image=absolute(request, card),
        image_alt=_share_card_alt(title),
        structured_data=[data],
    )


def _vote_counts(request, theory) -> dict:
    """The votes, for search engines, which never sign in: a signed-in fan's page is kept
    for longer than counts last, and shows them only where they go in as it is served."""
    if request.user.is_authenticated:
        return {}
    counters = [("LikeAction", theory.upvotes), ("DislikeAction", theory.downvotes)]
    return {
        "interactionStatistic": [
            {
                "@type": "InteractionCounter",
                "interactionType": f"https://schema.org/{action}",
                "userInteractionCount": count,
            }
            for action, count in counters
        ]
    }


def for_theory(request, theory, comment_count: int) -> PageMeta:
    if theory.is_withdrawn:
        # Its title, text and author are gone from the site, previews included.
        return PageMeta(
            title=_("This theory was withdrawn by its author"),
            description=_("Fans' comments on a theory about %(season)s.")
            % {"season": theory.season},
        )
    # Spoiler-free for every reader: the real title only when it spoils nothing.
    headline = theory.headline
    if theory.spoiler_season:
        description = _("A fan theory about %(season)s. It reveals events of season %(n)s.") % {
            "season": theory.season,
            "n": theory.spoiler_season,
        }
    else:
        description = short(theory.excerpt)
    data = {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": headline,
        "url": absolute(request, theory.get_absolute_url()),
        "datePublished": theory.created_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": theory.author.public_name if theory.author else _("deleted fan"),
            **(
                {"url": absolute(request, theory.author.get_absolute_url())}
                if theory.author
                else {}
            ),
        },
        "commentCount": comment_count,
        **_vote_counts(request, theory),
        "about": {"@type": "TVSeason", "name": str(theory.season)},
    }
    if theory.edited_at:
        data["dateModified"] = theory.edited_at.isoformat()
    if not theory.spoiler_season:
        data["text"] = theory.excerpt
    card = reverse("guide:theory_card", args=[theory.pk])
    return PageMeta(
        title=headline,
        description=description,
        og_type="article",
        image=absolute(request, card),
        image_alt=_share_card_alt(headline),
        structured_data=[data],
    )
