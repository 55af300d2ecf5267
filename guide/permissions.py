"""Who may do what in the guide: one constant per permission, one predicate per rule.

No model imports, so the models' own `visible_to` can ask these too. Usable in templates
through the `guide_tags` filter `can_comment` and tags `own_actions` and `vote_widget`.
"""

from enum import StrEnum

MODERATE_CODENAME = "moderate_theory"
# Hide and restore theories, comments and images; resolve reports; set outcomes.
MODERATE = f"guide.{MODERATE_CODENAME}"
# Editors (and superusers) keep shows in the admin, so they may preview unpublished ones.
PREVIEW = "guide.view_show"


def is_moderator(user) -> bool:
    # has_perm caches the user's permissions, so pages may ask this freely.
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(MODERATE)
    )


class Reader(StrEnum):
    """Who reads, as far as hidden content goes: the kinds the visibility rules tell apart.
    (Authors see their own hidden items, which the rules tell by the reader's id.)"""

    VISITOR = "visitor"
    FAN = "fan"
    MODERATOR = "moderator"


def reader_kind(user) -> Reader:
    if user is None or not user.is_authenticated:
        return Reader.VISITOR
    return Reader.MODERATOR if is_moderator(user) else Reader.FAN


def can_preview(user) -> bool:
    """Staff who keep the shows see an unpublished show's public pages, marked as a preview."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(PREVIEW)
    )


def is_open(theory) -> bool:
    """A theory its author withdrew takes no more votes, comments, reports or edits."""
    return getattr(theory, "withdrawn_at", None) is None


def can_edit(user, item) -> bool:
    """Authors may edit their own theories and comments while the text is not frozen
    (a theory freezes once its season is out, so a "called it" stays honest) and, for a
    theory, while it is not withdrawn."""
    if user is None or not user.is_authenticated or item.author_id != user.pk:
        return False
    return not getattr(item, "is_frozen", False) and is_open(item)


def can_delete(user, item) -> bool:
    """The same as editing: a theory whose season is out stays on its author's record,
    and a withdrawn one is gone already."""
    return can_edit(user, item)


def can_vote(user, theory) -> bool:
    """Fans vote on other fans' open theories, never on their own: an author's score and
    prediction record are what other fans made them."""
    return bool(
        user is not None
        and user.is_authenticated
        and theory.author_id != user.pk
        and is_open(theory)
    )


def can_comment(user, theory) -> bool:
    """Signed-in fans comment on any theory they see that is not withdrawn."""
    return bool(user is not None and user.is_authenticated and is_open(theory))


def forecasts_open_for(season, *, now) -> bool:
    """A season's predictions take forecasts, and their claims may change, until its
    lock time or its release day, whichever comes first (Season.forecasts_close_at)."""
    close = season.forecasts_close_at
    return close is None or now < close


def takes_forecasts(prediction, *, now) -> bool:
    """Open, its season not locked, and (for a theory's claim) its theory not withdrawn."""
    theory = prediction.theory  # None for a question, read without a query
    return (
        prediction.resolution == "open"
        and (theory is None or is_open(theory))
        and forecasts_open_for(prediction.season, now=now)
    )


def can_forecast(user, prediction, *, now) -> bool:
    """Any signed-in fan forecasts any open prediction they can see, their own too: an
    author's probability is their first forecast."""
    return bool(user is not None and user.is_authenticated) and takes_forecasts(prediction, now=now)


def can_reword(user, prediction, *, now) -> bool:
    """A theory's author may reword their own claim while it takes forecasts; its older
    wordings stay on its history page."""
    return (
        user is not None
        and user.is_authenticated
        and prediction.theory_id is not None
        and prediction.author_id == user.pk
        and takes_forecasts(prediction, now=now)
    )
