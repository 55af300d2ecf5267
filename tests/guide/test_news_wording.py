"""What each kind of news says, word for word (guide.news.describe): in the inbox, in mail
subjects and digests alike. One line and several, in English and in Korean, whose
plural sentences are looked up by their English singular."""

import datetime

import pytest
from django.utils import translation

from guide import news
from guide.models import NewsChange, Notification, NotificationKind, SeasonStatus
from guide.selectors import InboxGroup
from tests.factories import CommentFactory, SeasonFactory, ShowFactory, TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    show = ShowFactory(title="Hyosan Watch")
    season = SeasonFactory(show=show, number=1, status=SeasonStatus.COMING_SOON)
    theory = TheoryFactory(season=season, title="The cure is in the school")
    fans = [UserFactory(display_name=name) for name in ("Ana", "Bo", "Cy")]
    return {"season": season, "theory": theory, "fans": fans}


def group(world, kind, count=1, *, actors=None, readable=True, **line):
    """An inbox group of `count` lines of `kind` about the world's theory, newest first."""
    actors = actors if actors is not None else world["fans"]
    lines = []
    for n in range(count):
        notification = Notification(kind=kind, actor=actors[n % len(actors)], **line)
        notification.theory_readable = readable
        lines.append(notification)
    theory = None if kind == NotificationKind.SEASON else world["theory"]
    return InboxGroup(kind=kind, theory=theory, unread=True, lines=lines)


THEORY = "“The cure is in the school”"
SEASON = "Hyosan Watch — Season 1"

SAID = [
    (NotificationKind.REPLY, 1, f"Ana replied to your comment on {THEORY}"),
    (NotificationKind.REPLY, 3, f"3 replies to your comments on {THEORY}, from Ana and 2 others"),
    (NotificationKind.MENTION, 1, f"Ana mentioned you on {THEORY}"),
    (NotificationKind.MENTION, 2, f"2 mentions of you on {THEORY}, from Ana and 1 other"),
    (NotificationKind.COMMENT, 1, f"Ana commented on {THEORY}"),
    (NotificationKind.COMMENT, 2, f"2 new comments on {THEORY}, from Ana and 1 other"),
    (NotificationKind.THEORY, 1, f"Ana posted a theory about {SEASON}: {THEORY}"),
    (NotificationKind.THEORY, 2, f"2 new theories about {SEASON}, from Ana and 1 other"),
    (NotificationKind.VERDICT, 1, f"A theory you follow was settled: {THEORY}"),
]
SAID_IN_KOREAN = [
    (NotificationKind.REPLY, 3, f"{THEORY}의 내 댓글에 답글 3개 (Ana 님 외 2명)"),
    (NotificationKind.MENTION, 2, f"{THEORY}에서 나를 언급한 글 2개 (Ana 님 외 1명)"),
    (NotificationKind.COMMENT, 2, f"{THEORY}에 새 댓글 2개 (Ana 님 외 1명)"),
    (NotificationKind.THEORY, 2, "Hyosan Watch — 시즌 1에 대한 새 이론 2개 (Ana 님 외 1명)"),
]


@pytest.mark.parametrize(("kind", "count", "said"), SAID, ids=[f"{k} {n}" for k, n, _ in SAID])
def test_each_kind_of_news_says(world, kind, count, said):
    assert news.describe(group(world, kind, count), spoiler_season=None) == said


@pytest.mark.parametrize(
    ("kind", "count", "said"), SAID_IN_KOREAN, ids=[f"{k} {n}" for k, n, _ in SAID_IN_KOREAN]
)
def test_each_kind_of_news_says_in_korean(world, kind, count, said):
    with translation.override("ko"):
        assert news.describe(group(world, kind, count), spoiler_season=None) == said


def test_news_names_a_deleted_fan_a_withdrawn_theory_and_a_spoiler(world):
    gone = group(world, NotificationKind.REPLY, actors=[None])
    assert news.describe(gone, spoiler_season=2) == (
        f"a deleted fan replied to your comment on {THEORY} · a spoiler for season 2"
    )
    hidden = group(world, NotificationKind.COMMENT, readable=False)
    said = news.describe(hidden, spoiler_season=None)
    assert said == "Ana commented on a theory that is no longer shown"
    world["theory"].withdrawn_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    said = news.describe(group(world, NotificationKind.COMMENT), spoiler_season=None)
    assert said == "Ana commented on a withdrawn theory"
    with translation.override("ko"):
        said = news.describe(group(world, NotificationKind.COMMENT), spoiler_season=None)
        assert said == "Ana 님이 철회된 이론에 댓글을 달았어요"


@pytest.mark.parametrize(
    ("on_comment", "change", "said"),
    [
        (True, NewsChange.HIDDEN, f"A moderator hid your comment on {THEORY}"),
        (True, NewsChange.RESTORED, f"A moderator restored your comment on {THEORY}"),
        (False, NewsChange.HIDDEN, f"A moderator hid your theory {THEORY}"),
        (False, NewsChange.RESTORED, f"A moderator restored your theory {THEORY}"),
    ],
    ids=["comment hidden", "comment restored", "theory hidden", "theory restored"],
)
def test_a_moderators_decision_says(world, on_comment, change, said):
    comment = CommentFactory(theory=world["theory"]) if on_comment else None
    decision = group(world, NotificationKind.MODERATION, comment=comment, change=change)
    assert news.describe(decision, spoiler_season=None) == said


def test_a_seasons_news_says(world):
    season = world["season"]

    def said(change, count=1):
        line = {"season": season, "change": change}
        return news.describe(
            group(world, NotificationKind.SEASON, count, **line), spoiler_season=None
        )

    assert said(NewsChange.RELEASE_DATE) == f"{SEASON} no longer has a release date"
    season.release_date = datetime.date(2027, 3, 5)
    assert said(NewsChange.RELEASE_DATE) == f"{SEASON} has a release date: 5 March 2027"
    assert said(NewsChange.STATUS) == f"{SEASON} is now: Coming soon"
    assert said(NewsChange.FACT) == f"1 new fact about {SEASON}"
    assert said(NewsChange.FACT, 3) == f"3 new facts about {SEASON}"
    with translation.override("ko"):
        assert said(NewsChange.FACT, 3) == "Hyosan Watch — 시즌 1에 대한 새 정보 3개"
        assert said(NewsChange.RELEASE_DATE) == "Hyosan Watch — 시즌 1 공개일: 2027년 3월 5일"
        season.release_date = None
        assert said(NewsChange.RELEASE_DATE) == "Hyosan Watch — 시즌 1의 공개일이 취소되었습니다"
