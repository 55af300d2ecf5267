"""What a group of news lines says, in the inbox and in mail alike: who did what on
which theory, in words that hold no text a fan wrote but names and the theory's
spoiler-free headline. A comment tagged with a season the reader has not watched is
called a spoiler for that season; its text stays behind its page's shield."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guide.models import NewsChange, NotificationKind


def describe(group, *, spoiler_season: int | None) -> str:
    """One sentence for an InboxGroup (selectors), with " · a spoiler for season N"
    when `spoiler_season` is the season its newest comment spoils for this reader."""
    newest, count = group.newest, len(group.lines)
    if group.kind == NotificationKind.SEASON:
        return _season_news(newest.season, newest.change, count)
    theory = group.theory
    if group.kind == NotificationKind.MODERATION and newest.comment_id is None:
        return _decision(newest, f"“{theory.headline}”")  # the reader's own theory
    if not newest.theory_readable:
        where = _("a theory that is no longer shown")
    elif theory.is_withdrawn:
        where = _("a withdrawn theory")
    else:
        where = f"“{theory.headline}”"
    if group.kind == NotificationKind.MODERATION:  # the reader's comment on it
        return _decision(newest, where)
    if group.kind == NotificationKind.VERDICT:
        # Not the verdict itself: whether a prediction came true gives its season away.
        return _("A theory you follow was settled: %(where)s") % {"where": where}
    names = [actor.public_name if actor else _("a deleted fan") for actor in group.actors]
    who = (
        names[0]
        if len(names) == 1
        else ngettext("%(first)s and %(n)s other", "%(first)s and %(n)s others", len(names) - 1)
        % {"first": names[0], "n": len(names) - 1}
    )
    if group.kind == NotificationKind.REPLY:
        said = (
            _("%(who)s replied to your comment on %(where)s")
            if count == 1
            else ngettext(
                "%(count)s reply to your comments on %(where)s, from %(who)s",
                "%(count)s replies to your comments on %(where)s, from %(who)s",
                count,
            )
        )
    elif group.kind == NotificationKind.THEORY:
        said = (
            _("%(who)s posted a theory about %(season)s: %(where)s")
            if count == 1
            else ngettext(
                "%(count)s new theory about %(season)s, from %(who)s",
                "%(count)s new theories about %(season)s, from %(who)s",
                count,
            )
        )
        return said % {"who": who, "where": where, "count": count, "season": theory.season}
    elif group.kind == NotificationKind.MENTION:
        said = (
            _("%(who)s mentioned you on %(where)s")
            if count == 1
            else ngettext(
                "%(count)s mention of you on %(where)s, from %(who)s",
                "%(count)s mentions of you on %(where)s, from %(who)s",
                count,
            )
        )
    else:
        said = (
            _("%(who)s commented on %(where)s")
            if count == 1
            else ngettext(
                "%(count)s new comment on %(where)s, from %(who)s",
                "%(count)s new comments on %(where)s, from %(who)s",
                count,
            )
        )
    summary = said % {"who": who, "where": where, "count": count}
    if spoiler_season:
        summary += " · " + _("a spoiler for season %(n)s") % {"n": spoiler_season}
    return summary


def _season_news(season, change: str, count: int) -> str:
    """What changed in a season: its release date, its status, or new facts (whose text
    stays on the season's page, behind its shield)."""
    if change == NewsChange.RELEASE_DATE:
        if season.release_date is None:
            return _("%(season)s no longer has a release date") % {"season": season}
        return _("%(season)s has a release date: %(date)s") % {
            "season": season,
            "date": date_format(season.release_date, "DATE_FORMAT"),
        }
    if change == NewsChange.STATUS:
        return _("%(season)s is now: %(status)s") % {
            "season": season,
            "status": season.get_status_display(),
        }
    return ngettext(
        "%(count)s new fact about %(season)s", "%(count)s new facts about %(season)s", count
    ) % {"season": season, "count": count}


def _decision(line, where: str) -> str:
    hidden = line.change == NewsChange.HIDDEN
    if line.comment_id is not None:
        said = (
            _("A moderator hid your comment on %(where)s")
            if hidden
            else _("A moderator restored your comment on %(where)s")
        )
    else:
        said = (
            _("A moderator hid your theory %(where)s")
            if hidden
            else _("A moderator restored your theory %(where)s")
        )
    return said % {"where": where}
