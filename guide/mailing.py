"""News by mail: a mail at once for the kinds a fan chose so, a daily digest for the rest.

Lines come from the inbox (guide.services.deliver_comment, deliver_theory); a mail tells
of lines nobody read yet and goes only to a confirmed address, at most
settings.MAIL_DAILY_LIMIT a day. It says what the inbox says (guide.news) and quotes a
comment only when the fan's watch progress lets them read it; anything else is "a
spoiler for season N" and a link to its page, where the shield is. Each line is claimed
before its mail goes, so a retried task mails nothing twice. Every mail carries a
one-click unsubscribe link (RFC 8058) that works without signing in.
"""

import html
import logging
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.links import absolute_url
from guide import news, selectors, services, spoilers
from guide.models import COMMENT_KINDS, NotificationKind

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "guide.mailing.unsubscribe"
ALL_KINDS = "all"
QUOTE_CHARS = 400
DIGEST_EVERY = timedelta(hours=20)  # a daily run that starts a little early still sends


class BadToken(Exception):
    """An unsubscribe link that was altered or names nothing we know."""


def unsubscribe_token(user_id: int, kind: str) -> str:
    """What an unsubscribe link carries: the fan and the kind of mail (or all of it)."""
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """(fan id, the kinds of mail to stop). Links do not expire: a mail may be read late."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken from error
    if not isinstance(user_id, int) or kind not in (ALL_KINDS, *NotificationKind.values):
        raise BadToken
    return user_id, list(NotificationKind.values) if kind == ALL_KINDS else [kind]


def _quiet() -> timedelta:
    return timedelta(minutes=settings.MAIL_QUIET_MINUTES)


def about_comment(comment_id: int) -> Q:
    return Q(comment_id=comment_id, kind__in=COMMENT_KINDS)


def about_theory(theory_id: int) -> Q:
    return Q(theory_id=theory_id, kind=NotificationKind.THEORY)


def about_decision(action_id: int) -> Q:
    return Q(action_id=action_id)


def about_season_change(season_id: int, at: datetime) -> Q:
    """The lines of one editor's save of the season (one for each thing it changed)."""
    return Q(season_id=season_id, kind=NotificationKind.SEASON, created_at=at)


def mail_news(about: Q) -> int:
    """Mail at once the fans whom the lines `about` one event concern (about_…) and who
    chose that for their kind; returns how many mails went."""
    now = timezone.now()
    limits = {"daily_limit": settings.MAIL_DAILY_LIMIT, "quiet": _quiet()}
    lines = selectors.instant_mail_lines(about, now=now, **limits)
    if not lines:
        return 0
    watched = selectors.watched_seasons({line.recipient_id for line in lines}, _show_id(lines[0]))
    sent = 0
    with mailers.default as connection:  # one connection for all the mails of the event
        for recipient_id, theirs in groupby(lines, key=attrgetter("recipient_id")):
            sent += _mail_lines(list(theirs), watched.get(recipient_id), now, limits, connection)
    return sent


def _mail_lines(lines, watched: int | None, now: datetime, limits: dict, connection) -> int:
    """Claim one fan's lines of the event (within the mail limits) and mail them in one
    mail: 1 if it went. An event gives a fan one line, but an editor's save of a season
    one for each thing it changed."""
    claimed = set(services.claim_line(lines=lines, now=now, **limits))
    lines = [line for line in lines if line.pk in claimed]
    if not lines:
        return 0
    for line in lines:
        # Mailable lines are about what everyone may read (selectors._mailable), but a
        # decision on the recipient's own writing, whatever became of its theory.
        line.theory_readable = line.theory is None or not line.theory.is_hidden
    newest = lines[0]
    group = selectors.InboxGroup(kind=newest.kind, theory=newest.theory, unread=True, lines=lines)
    if not _send_news(newest.recipient, group, watched, connection):
        services.release_lines(recipient_id=newest.recipient_id, claimed_at=now)
        return 0
    return 1


def _show_id(line) -> int:
    return (line.season or line.theory.season).show_id


def send_digests() -> int:
    """Mail each fan owed one a digest of the lines waiting for them; returns how many
    digests went. Run daily (manage.py send_digests)."""
    now = timezone.now()
    limits = {"now": now, "every": DIGEST_EVERY}
    sent = 0
    # Read whole before the loop claims lines: the loop updates the table it reads.
    recipients = list(selectors.digest_recipients(**limits))
    with mailers.default as connection:
        for user_id in recipients:
            lines = selectors.digestible_lines(user_id, **limits)
            claimed = services.claim_lines(
                lines, recipient_id=user_id, now=now, daily_limit=settings.MAIL_DAILY_LIMIT
            )
            if not claimed:
                continue
            fan = selectors.fan(user_id)
            groups = selectors.digest_lines(fan, claimed_at=now)
            if _send_digest(fan, groups, claimed, connection):
                sent += 1
            else:
                services.release_lines(recipient_id=user_id, claimed_at=now)
    return sent


def _quoted(line):
    """What a mail about the line may quote: a comment, or a new theory; nothing of a
    season's news or a decision."""
    if line.kind in COMMENT_KINDS:
        return line.comment
    return line.theory if line.kind == NotificationKind.THEORY else None


def _spoils(group, progress) -> int | None:
    """The season the text a mail about the group would quote spoils for this reader,
    or None if they may read it."""
    quoted = _quoted(group.newest)
    tagged = quoted.spoiler_season if quoted is not None else None
    return tagged if spoilers.is_shielded(tagged, progress) else None


def _link(group) -> str:
    newest = group.newest
    if newest.season_id is not None:
        return absolute_url(newest.season.get_absolute_url())
    if newest.comment_id is None:
        return absolute_url(group.theory.get_absolute_url())
    page = reverse("guide:comment", args=[newest.comment_id])
    return absolute_url(f"{page}#comment-{newest.comment_id}")


def _quote(line) -> str:
    quoted = _quoted(line)
    if quoted is None:
        return ""
    text = html.unescape(strip_tags(quoted.body_html)).strip()
    return Truncator(" ".join(text.split())).chars(QUOTE_CHARS)


def _send_news(fan, group, watched: int | None, connection) -> bool:
    spoils = _spoils(group, watched)
    with translation.override(_language_of(fan)):
        items = []
        if len(group.lines) == 1:
            summary = news.describe(group, spoiler_season=spoils)
        else:  # a season's news of one save: what each change was
            summary = _("News of %(season)s") % {"season": group.newest.season}
            items = [news.describe(_alone(line), spoiler_season=None) for line in group.lines]
        context = {
            "summary": summary,
            "items": items,
            "quote": "" if spoils else _quote(group.newest),
            "spoils": spoils,
            "link": _link(group),
            "kind": NotificationKind(group.kind).label,
        }
        return _send(fan, "news", summary, context, kind=group.kind, connection=connection)


def _alone(line):
    return selectors.InboxGroup(kind=line.kind, theory=line.theory, unread=True, lines=[line])


def _send_digest(fan, groups, count: int, connection) -> bool:
    progress = selectors.progress_of(fan)
    with translation.override(_language_of(fan)):
        items = [
            {
                "summary": news.describe(
                    group, spoiler_season=_spoils(group, progress.get(_show_id(group.newest)))
                ),
                "link": _link(group),
            }
            for group in groups
        ]
        subject = ngettext(
            "Next Season: %(count)s new thing in your inbox",
            "Next Season: %(count)s new things in your inbox",
            count,
        ) % {"count": count}
        context = {
            "fan": fan,
            "items": items,
            "more": count - sum(len(group.lines) for group in groups),
        }
        return _send(fan, "digest", subject, context, kind=ALL_KINDS, connection=connection)


def _language_of(fan) -> str:
    """The language the fan last used the site in (MailPreference.language), or the
    site's."""
    try:
        return fan.mail_preference.mail_language()
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def _send(fan, name: str, subject: str, context: dict, *, kind: str, connection) -> bool:
    unsubscribe = absolute_url(reverse("guide:unsubscribe", args=[unsubscribe_token(fan.pk, kind)]))
    context = {
        **context,
        "unsubscribe_url": unsubscribe,
        "stops": _("all email from Next Season")
        if kind == ALL_KINDS
        else _("email about “%(kind)s”") % {"kind": NotificationKind(kind).label},
        "LANGUAGE_CODE": translation.get_language(),  # the HTML part's lang
        "inbox_url": absolute_url(reverse("guide:inbox")),
        "settings_url": absolute_url(reverse("guide:mail_settings")),
    }
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"guide/email/{name}.txt", context),
        to=[fan.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string(f"guide/email/{name}.html", context), "text/html")
    try:
        message.send()
    except Exception:  # a mail server that is down loses no news: the lines go back
        logger.exception("Could not send the %s mail to fan %s", name, fan.pk)
        return False
    return True
