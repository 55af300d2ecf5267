"""guide.services and theories: posting, editing and deleting keep the rows consistent."""

import datetime
from unittest.mock import patch

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from guide import markdown, ranking, services
from guide.models import (
    Comment,
    ModerationAction,
    ModerationKind,
    Outcome,
    SeasonStatus,
    Theory,
    Vote,
)
from tests.factories import (
    CharacterFactory,
    CommentFactory,
    ReleasedSeasonFactory,
    SeasonFactory,
    TheoryFactory,
)
from tests.kit.counts import assert_vote_counts_match_rows

pytestmark = pytest.mark.django_db


def test_post_theory_sanitises_body_and_sets_slug_and_hot(fan):
    season = SeasonFactory()
    character = CharacterFactory(show=season.show)
    body = (
        "Nam-ra **survives**.\n\n<script>alert(1)</script>\n\n"
        '[see](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )

    theory = services.post_theory(
        author=fan,
        season=season,
        title="Nam-ra Leads The Half-Zombies!",
        body=body,
        characters=[character],
        spoiler_season=None,
    )

    stored = Theory.objects.get(pk=theory.pk)
    assert stored.body == body
    assert stored.body_html == markdown.render(body)
    assert "<strong>survives</strong>" in stored.body_html
    lowered = stored.body_html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert 'href="javascript:' not in lowered
    assert (
        stored.slug
        == slugify("Nam-ra Leads The Half-Zombies!")
        == ("nam-ra-leads-the-half-zombies")
    )
    assert stored.hot == ranking.hot(0, stored.created_at) != 0
    assert theory.hot == stored.hot
    assert list(stored.characters.all()) == [character]
    assert (stored.author, stored.season, stored.spoiler_season) == (fan, season, None)
    assert (stored.upvotes, stored.downvotes, stored.score, stored.wilson) == (0, 0, 0, 0)
    assert stored.outcome == Outcome.OPEN
    assert stored.edited_at is None


def test_spoiler_theory_gets_a_slug_that_does_not_give_its_title_away(fan):
    theory = services.post_theory(
        author=fan,
        season=SeasonFactory(),
        title="Cheong-san comes back as a half-zombie",
        body="x",
        spoiler_season=1,
    )
    assert theory.slug == "spoiler-theory"
    assert "cheong" not in theory.get_absolute_url()


def test_post_theory_with_unsluggable_title_gets_a_slug(fan):
    theory = services.post_theory(author=fan, season=SeasonFactory(), title="!!!", body="x")
    assert theory.slug == "theory"


def test_edit_theory_sets_edited_at_and_rerenders(fan):
    theory = TheoryFactory(author=fan)
    character = CharacterFactory(show=theory.season.show)
    before = timezone.now()

    services.edit_theory(
        theory=theory,
        title="A New Title",
        body="Now with *emphasis* <b>and tags</b>",
        characters=[character],
        spoiler_season=2,
    )

    stored = Theory.objects.get(pk=theory.pk)
    assert stored.edited_at is not None
    assert stored.edited_at >= before
    assert stored.title == "A New Title"
    # Now tagged as a spoiler, its address no longer carries the title.
    assert stored.slug == "spoiler-theory"
    assert stored.body_html == markdown.render("Now with *emphasis* <b>and tags</b>")
    assert "<em>emphasis</em>" in stored.body_html
    assert "<b>" not in stored.body_html
    assert stored.spoiler_season == 2
    assert list(stored.characters.all()) == [character]


def test_edit_theory_is_refused_once_the_season_is_released(fan):
    theory = TheoryFactory(author=fan, season=ReleasedSeasonFactory(), title="Original")
    with pytest.raises(services.FrozenError):
        services.edit_theory(theory=theory, title="Rewritten history", body="I called it")
    stored = Theory.objects.get(pk=theory.pk)
    assert (stored.title, stored.edited_at) == ("Original", None)


def test_edit_theory_freezes_when_the_season_comes_out_later(fan):
    theory = TheoryFactory(author=fan)
    services.edit_theory(theory=theory, title="Before release", body="ok")
    season = theory.season
    season.status = SeasonStatus.RELEASED
    season.release_date = datetime.date(2026, 1, 1)
    season.save()
    theory = Theory.objects.select_related("season").get(pk=theory.pk)
    with pytest.raises(services.FrozenError):
        services.edit_theory(theory=theory, title="After release", body="changed")
    assert Theory.objects.get(pk=theory.pk).title == "Before release"


def test_delete_theory_leaves_no_orphans_and_keeps_the_log(fan, other_fan, moderator):
    # Only its author's own words on it, and no report: deleting it deletes it (a theory
    # holding what others wrote or reported is withdrawn instead: test_withdrawal.py).
    theory = TheoryFactory()
    other = TheoryFactory()
    services.cast_vote(user=fan, theory_id=theory.pk, value=1)
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=-1)
    services.cast_vote(user=fan, theory_id=other.pk, value=1)
    comment = CommentFactory(theory=theory, author=theory.author)
    CommentFactory(theory=other)
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="Spam")
    services.set_hidden(moderator=moderator, item=comment, hidden=True, reason="Rude")
    theory_pk, comment_pk = theory.pk, comment.pk

    assert services.delete_theory(theory=theory) is False

    assert not Theory.objects.filter(pk=theory_pk).exists()
    assert Vote.objects.filter(theory_id=theory_pk).count() == 0
    assert Comment.objects.filter(theory_id=theory_pk).count() == 0
    # The other theory is untouched.
    assert_vote_counts_match_rows(Theory.objects.filter(pk=other.pk))
    assert Theory.objects.get(pk=other.pk).upvotes == 1
    assert Comment.objects.filter(theory=other).count() == 1
    # The moderation log keeps every row, its labels, and loses only the links.
    actions = list(ModerationAction.objects.order_by("pk"))
    assert [action.kind for action in actions] == [ModerationKind.HIDE, ModerationKind.HIDE]
    assert all(action.theory_id is None for action in actions)
    assert all(action.comment_id is None for action in actions)
    assert [(action.target_kind, action.target_label) for action in actions] == [
        ("theory", f"#{theory_pk}"),
        ("comment", f"#{comment_pk} (#{theory_pk})"),
    ]
    assert all(action.moderator == moderator for action in actions)


def test_a_theorys_plain_excerpt_is_stored_when_written_not_built_on_read(fan, client):
    season = TheoryFactory().season
    theory = services.post_theory(
        author=fan, season=season, title="Plain", body="Nam-ra **lives**, says `the` finale."
    )
    assert theory.excerpt == "Nam-ra lives, says the finale."
    services.edit_theory(theory=theory, title="Plain", body="*Changed* text")
    theory.refresh_from_db()
    assert theory.excerpt == "Changed text"
    # Longer than a meta description's 200 characters: kept to the excerpt's own length.
    long_body = " ".join(["zombie"] * 100)
    services.edit_theory(theory=theory, title="Plain", body=long_body)
    theory.refresh_from_db()
    assert len(theory.excerpt) == markdown.EXCERPT_LENGTH
    assert long_body.startswith(theory.excerpt.removesuffix("…"))
    # Pages and feeds read the stored excerpt: Markdown is not parsed again per request.
    parsed_on_read = AssertionError("Markdown parsed on a read")
    with (
        patch.object(markdown._parser, "parse", side_effect=parsed_on_read),
        patch.object(markdown._parser, "render", side_effect=parsed_on_read),
    ):
        assert client.get(theory.get_absolute_url()).status_code == 200
        assert client.get(reverse("guide:feed_theories")).status_code == 200
