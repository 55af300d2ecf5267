"""The guide's data: shows and what we know about them, and the fans' theories.

Fields, constraints, indexes and chainable QuerySet methods only. Writes that touch
several rows live in guide/services.py.
"""

from guide.models.community import (
    Comment,
    CommentOrder,
    CommentQuerySet,
    Outcome,
    Revision,
    Theory,
    TheoryOrder,
    TheoryQuerySet,
    Vote,
    VoteValue,
    not_withdrawn,
)
from guide.models.content import (
    Character,
    CharacterQuerySet,
    CharacterRole,
    CharacterState,
    CharacterStatus,
    Episode,
    Fact,
    FactKind,
    FactQuerySet,
    Milestone,
    Person,
    Season,
    SeasonQuerySet,
    SeasonStatus,
    Show,
    ShowQuerySet,
)
from guide.models.following import Bookmark, Follow, Notification, NotificationKind
from guide.models.moderation import (
    ModerationAction,
    ModerationKind,
    ModerationTarget,
    Report,
    ReportReason,
    ReportStatus,
)
from guide.models.reader import WatchProgress

__all__ = [
    "ShowQuerySet",
    "Show",
    "SeasonStatus",
    "SeasonQuerySet",
    "Season",
    "Episode",
    "Person",
    "CharacterQuerySet",
    "CharacterRole",
    "Character",
    "CharacterState",
    "CharacterStatus",
    "FactKind",
    "Milestone",
    "FactQuerySet",
    "Fact",
    "Outcome",
    "TheoryOrder",
    "TheoryQuerySet",
    "Theory",
    "VoteValue",
    "Vote",
    "Revision",
    "CommentOrder",
    "CommentQuerySet",
    "Comment",
    "not_withdrawn",
    "ReportReason",
    "ReportStatus",
    "Report",
    "ModerationTarget",
    "ModerationKind",
    "ModerationAction",
    "WatchProgress",
    "Follow",
    "Bookmark",
    "NotificationKind",
    "Notification",
]
