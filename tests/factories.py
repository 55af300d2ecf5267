"""Small factory_boy factories, one per model in guide and accounts.

Each factory makes the smallest valid row; pass what a test cares about. Counts on a
theory (upvotes, downvotes, score, hot) are not touched by VoteFactory: tests of those
go through guide.services. A settled theory and a forecast score are counted on the
leaderboard's boards as they are made, and a forecast in its prediction's crowd, as the
services that settle, score and take forecasts do; a test that changes one afterwards
goes through the services too.
"""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from accounts.models import User
from guide import markdown, services
from guide.models import (
    Bookmark,
    Character,
    CharacterStatus,
    Comment,
    CommentVote,
    Episode,
    Fact,
    FanFollow,
    Follow,
    Forecast,
    ForecastScore,
    MailPreference,
    ModerationAction,
    ModerationKind,
    Notification,
    NotificationKind,
    Outcome,
    Person,
    Prediction,
    Report,
    ReportReason,
    Revision,
    Season,
    SeasonFollow,
    SeasonStatus,
    SentMail,
    Show,
    ShowFollow,
    Theory,
    TheoryImage,
    Vote,
    VoteValue,
    WatchProgress,
)
from guide.textfold import fold

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"fan{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    # Hashed when the factory builds the user (the test settings use a fast hasher).
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """UserFactory(groups=["Moderators"]) adds the user to groups the migrations made."""
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))


class ShowFactory(DjangoModelFactory):
    class Meta:
        model = Show
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Show {n}")
    slug = factory.LazyAttribute(lambda show: slugify(show.title))
    synopsis = "Students trapped in a school fight to survive."
    platform = "Netflix"
    is_published = True


class SeasonFactory(DjangoModelFactory):
    class Meta:
        model = Season

    show = factory.SubFactory(ShowFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = SeasonStatus.ANNOUNCED


class ReleasedSeasonFactory(SeasonFactory):
    status = SeasonStatus.RELEASED
    release_date = datetime.date(2022, 1, 28)


class EpisodeFactory(DjangoModelFactory):
    class Meta:
        model = Episode

    season = factory.SubFactory(
        SeasonFactory, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda episode: f"Episode {episode.number}")
    runtime = 60


class TheoryImageFactory(DjangoModelFactory):
    """A stored name, as an upload leaves it; no file is read to show it."""

    class Meta:
        model = TheoryImage

    theory = factory.SubFactory("tests.factories.TheoryFactory")
    image = factory.Sequence(lambda n: f"theories/picture-{n}.webp")
    image_width = 800
    image_height = 600
    alt = factory.Sequence(lambda n: f"Picture {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.LazyAttribute(lambda person: slugify(person.name))


class CharacterFactory(DjangoModelFactory):
    class Meta:
        model = Character

    show = factory.SubFactory(ShowFactory)
    name = factory.Sequence(lambda n: f"Character {n}")
    slug = factory.LazyAttribute(lambda character: slugify(character.name))
    actor = factory.SubFactory(PersonFactory)
    description = "A student at Hyosan High."


class CharacterStatusFactory(DjangoModelFactory):
    class Meta:
        model = CharacterStatus

    character = factory.SubFactory(CharacterFactory)
    season = factory.SubFactory(SeasonFactory, show=factory.SelfAttribute("..character.show"))
    status = "alive"


class FactFactory(DjangoModelFactory):
    class Meta:
        model = Fact

    season = factory.SubFactory(SeasonFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "Yes, it was announced."
    kind = "official"
    source_name = "Netflix"
    source_url = "https://example.com/announcement"
    source_date = datetime.date(2022, 6, 7)


class TheoryFactory(DjangoModelFactory):
    class Meta:
        model = Theory
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    season = factory.SubFactory(SeasonFactory)
    title = factory.Sequence(lambda n: f"Theory number {n}")
    slug = factory.LazyAttribute(lambda theory: slugify(theory.title)[:160] or "theory")
    body = "Someone *survives* the school."
    body_html = factory.LazyAttribute(lambda theory: markdown.render(theory.body))
    search_text = factory.LazyAttribute(lambda theory: fold(f"{theory.title}\n{theory.body}"))

    @factory.post_generation
    def boards(theory, create, extracted, **kwargs):
        if create and theory.outcome != Outcome.OPEN:
            services.recount_boards(fan_ids=[theory.author_id])


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    user = factory.SubFactory(UserFactory)
    theory = factory.SubFactory(TheoryFactory)
    value = VoteValue.UP


class PredictionFactory(DjangoModelFactory):
    """A community question unless given a theory."""

    class Meta:
        model = Prediction

    season = factory.SubFactory(SeasonFactory)
    claim = factory.Sequence(lambda n: f"Claim {n} comes true")
    criteria = "Resolves yes if the season shows it on screen."


class ForecastFactory(DjangoModelFactory):
    class Meta:
        model = Forecast
        skip_postgeneration_save = True

    prediction = factory.SubFactory(PredictionFactory)
    user = factory.SubFactory(UserFactory)
    percent = 60

    @factory.post_generation
    def crowd(forecast, create, extracted, **kwargs):
        if create:
            services.recount_crowds(prediction_ids=[forecast.prediction_id])


class ForecastScoreFactory(DjangoModelFactory):
    class Meta:
        model = ForecastScore
        skip_postgeneration_save = True

    prediction = factory.SubFactory(PredictionFactory)
    user = factory.SubFactory(UserFactory)
    percent = 70
    made_at = factory.LazyFunction(timezone.now)
    happened = True
    brier = 0.09
    log_score = -0.36
    peer_score = 12.5

    @factory.post_generation
    def boards(score, create, extracted, **kwargs):
        if create:
            services.recount_boards(fan_ids=[score.user_id])


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    theory = factory.SubFactory(TheoryFactory)
    author = factory.SubFactory(UserFactory)
    body = "I think so **too**."
    body_html = factory.LazyAttribute(lambda comment: markdown.render(comment.body))


class ReportFactory(DjangoModelFactory):
    """A report of a theory; pass theory=None, comment=… to report a comment."""

    class Meta:
        model = Report

    reporter = factory.SubFactory(UserFactory)
    theory = factory.SubFactory(TheoryFactory)
    comment = None
    reason = ReportReason.SPAM


class RevisionFactory(DjangoModelFactory):
    """A text a theory had before an edit (guide.services keeps them)."""

    class Meta:
        model = Revision

    theory = factory.SubFactory(TheoryFactory)
    title = "An earlier title"
    body = "An earlier text."
    written_at = factory.LazyFunction(timezone.now)


class ModerationActionFactory(DjangoModelFactory):
    class Meta:
        model = ModerationAction

    moderator = factory.SubFactory(UserFactory, is_staff=True)
    kind = ModerationKind.HIDE
    theory = factory.SubFactory(TheoryFactory)
    target_label = factory.LazyAttribute(lambda action: str(action.theory)[:200])


class WatchProgressFactory(DjangoModelFactory):
    class Meta:
        model = WatchProgress

    user = factory.SubFactory(UserFactory)
    show = factory.SubFactory(ShowFactory)
    seasons_watched = 1


class FollowFactory(DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    theory = factory.SubFactory(TheoryFactory)


class NotificationFactory(DjangoModelFactory):
    """A line of a fan's inbox about a comment (a reply to them, with kind="reply")."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    comment = factory.SubFactory(CommentFactory)
    theory = factory.LazyAttribute(
        lambda line: line.comment.theory if line.comment else TheoryFactory()
    )
    actor = factory.LazyAttribute(lambda line: line.comment.author if line.comment else None)
    kind = NotificationKind.COMMENT


class BookmarkFactory(DjangoModelFactory):
    """A theory a fan saved; pass theory=None, comment=… for a saved comment."""

    class Meta:
        model = Bookmark

    user = factory.SubFactory(UserFactory)
    theory = factory.SubFactory(TheoryFactory)
    comment = None


class CommentVoteFactory(DjangoModelFactory):
    """A vote row only: the comment's counts move in services.cast_comment_vote."""

    class Meta:
        model = CommentVote

    user = factory.SubFactory(UserFactory)
    comment = factory.SubFactory(CommentFactory)
    value = VoteValue.UP


class SeasonFollowFactory(DjangoModelFactory):
    class Meta:
        model = SeasonFollow

    user = factory.SubFactory(UserFactory)
    season = factory.SubFactory(SeasonFactory)


class MailPreferenceFactory(DjangoModelFactory):
    class Meta:
        model = MailPreference

    user = factory.SubFactory(UserFactory)


class SentMailFactory(DjangoModelFactory):
    class Meta:
        model = SentMail

    recipient = factory.SubFactory(UserFactory)


class ShowFollowFactory(DjangoModelFactory):
    class Meta:
        model = ShowFollow

    user = factory.SubFactory(UserFactory)
    show = factory.SubFactory(ShowFactory)


class FanFollowFactory(DjangoModelFactory):
    class Meta:
        model = FanFollow

    user = factory.SubFactory(UserFactory)
    fan = factory.SubFactory(UserFactory)
