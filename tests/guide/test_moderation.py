"""The moderators' side: the report queue, hiding and restoring, the log, and who may do what."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from guide import services
from guide.models import (
    Character,
    Comment,
    ModerationAction,
    ModerationKind,
    Outcome,
    Report,
    ReportReason,
    ReportStatus,
    Season,
    SeasonStatus,
    Show,
    Theory,
)
from tests.factories import (
    CommentFactory,
    ModerationActionFactory,
    ReportFactory,
    SeasonFactory,
    TheoryFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page
from tests.kit.worlds import build_world

pytestmark = pytest.mark.django_db

HIDDEN_TITLE = "Walrus conspiracy in the gym"
HIDDEN_BODY = "The walrus coach planned the outbreak all along."
HIDDEN_COMMENT = "Walrus comment with a slur that broke the rules."
REASON = "Breaks rule 3: harassment."


def html(response) -> str:
    return response.content.decode()


def text_of(body: str) -> str:
    """The page's text without tags (search highlights terms with <mark>)."""
    return Page(body).source_text


def change_url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def world(db):
    """The kit's world, plus a theory of fan's that breaks the rules (`rule_breaker`) and a
    fine one of other_fan's (`visible`), both about On-jo; no report or log entry yet."""
    world = build_world()
    world.rule_breaker = services.post_theory(
        author=world.fan,
        season=world.s2,
        title=HIDDEN_TITLE,
        body=HIDDEN_BODY,
        characters=[world.on_jo],
    )
    world.visible = services.post_theory(
        author=world.other_fan,
        season=world.s2,
        title="A perfectly fine theory",
        body="Fine.",
        characters=[world.on_jo],
    )
    return world


# The report queue ----------------------------------------------------------------------------


def test_report_queue_lists_open_reports_first_with_the_reported_text(
    world, other_fan, moderator_client
):
    comment = CommentFactory(theory=world.visible, body="A comment someone flagged.")
    now = timezone.now()
    old_open = ReportFactory(reporter=other_fan, theory=world.rule_breaker)
    closed = ReportFactory(theory=world.visible, status=ReportStatus.RESOLVED, resolved_at=now)
    new_open = ReportFactory(theory=None, comment=comment)
    for report, age in [(old_open, 3), (closed, 1), (new_open, 2)]:
        Report.objects.filter(pk=report.pk).update(created_at=now - datetime.timedelta(hours=age))
    response = moderator_client.get(changelist_url(Report))
    assert response.status_code == HTTPStatus.OK
    listed = [report.pk for report in response.context["cl"].result_list]
    assert listed == [new_open.pk, old_open.pk, closed.pk]
    body = html(response)
    assert HIDDEN_TITLE in body
    assert "A comment someone flagged." in body


def _act(client, action, reports):
    return client.post(
        changelist_url(Report),
        {"action": action, "_selected_action": [report.pk for report in reports]},
    )


def test_hide_and_resolve_hides_the_targets_and_logs_each_step(world, moderator, moderator_client):
    comment = CommentFactory(theory=world.visible, body=HIDDEN_COMMENT)
    on_theory = ReportFactory(theory=world.rule_breaker)
    on_comment = ReportFactory(theory=None, comment=comment)
    response = _act(moderator_client, "hide_and_resolve", [on_theory, on_comment])
    assert response.status_code == HTTPStatus.FOUND
    for report in (on_theory, on_comment):
        report.refresh_from_db()
        assert report.status == ReportStatus.RESOLVED
        assert report.resolved_by == moderator
        assert report.resolved_at is not None
        assert report.target.is_hidden
    log = ModerationAction.objects.order_by("pk")
    assert sorted((a.kind, a.moderator_id) for a in log) == sorted(
        [(ModerationKind.HIDE, moderator.pk), (ModerationKind.RESOLVE_REPORT, moderator.pk)] * 2
    )
    assert all(action.reason for action in log)
    # A report's entry carries what the fan reported; hiding has nothing to add.
    details = sorted((a.kind, a.detail) for a in log)
    assert details == sorted(
        [(ModerationKind.HIDE, ""), (ModerationKind.RESOLVE_REPORT, ReportReason.SPAM)] * 2
    )
    labels = {(action.target_kind, action.target_label) for action in log}
    assert labels == {
        ("theory", f"#{world.rule_breaker.pk}"),
        ("comment", f"#{comment.pk} (#{world.visible.pk})"),
    }


def test_hide_and_resolve_on_an_already_hidden_target_only_resolves(
    world, moderator, moderator_client
):
    services.set_hidden(moderator=moderator, item=world.rule_breaker, hidden=True, reason=REASON)
    first, second = (
        ReportFactory(theory=world.rule_breaker),
        ReportFactory(theory=world.rule_breaker),
    )
    _act(moderator_client, "hide_and_resolve", [first, second])
    kinds = list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        ModerationKind.HIDE,
        ModerationKind.RESOLVE_REPORT,
        ModerationKind.RESOLVE_REPORT,
    ]
    assert Report.objects.filter(status=ReportStatus.OPEN).count() == 0


def test_dismiss_closes_the_report_and_leaves_the_target(world, moderator, moderator_client):
    report = ReportFactory(theory=world.rule_breaker)
    response = _act(moderator_client, "dismiss", [report])
    assert response.status_code == HTTPStatus.FOUND
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert report.resolved_by == moderator
    world.rule_breaker.refresh_from_db()
    assert not world.rule_breaker.is_hidden
    action = ModerationAction.objects.get()
    assert action.kind == ModerationKind.DISMISS_REPORT
    assert action.moderator == moderator
    # Dismissing again is a no-op: the log is not padded.
    _act(moderator_client, "dismiss", [report])
    assert ModerationAction.objects.count() == 1


# The change forms --------------------------------------------------------------------------------


def form_data(client, url, **changes) -> dict:
    """The change form's editable fields as the page shows them, plus changes."""
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    data["_save"] = "Save"
    return data


def test_moderator_hides_a_theory_with_a_reason(world, moderator, moderator_client):
    url = change_url(Theory, world.rule_breaker.pk)
    data = form_data(moderator_client, url, is_hidden="on", moderation_reason=REASON)
    data["title"] = "Renamed by a moderator"  # read-only for moderators: ignored
    response = moderator_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    theory = Theory.objects.get(pk=world.rule_breaker.pk)
    assert theory.is_hidden
    assert theory.title == HIDDEN_TITLE
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.theory, action.reason) == (
        ModerationKind.HIDE,
        moderator,
        theory,
        REASON,
    )
    assert (action.target_kind, action.target_label) == ("theory", f"#{theory.pk}")
    # Restoring needs a reason too, and is logged as a second row; the first is untouched.
    data = form_data(moderator_client, url, is_hidden=None, moderation_reason="Appeal upheld.")
    assert moderator_client.post(url, data).status_code == HTTPStatus.FOUND
    assert not Theory.objects.get(pk=theory.pk).is_hidden
    log = list(ModerationAction.objects.order_by("pk"))
    assert [a.kind for a in log] == [ModerationKind.HIDE, ModerationKind.RESTORE]
    assert log[0].reason == REASON
    assert log[1].reason == "Appeal upheld."


@pytest.mark.parametrize("reason", ["", "   "])
def test_hiding_without_a_reason_is_a_form_error(world, moderator_client, reason):
    url = change_url(Theory, world.rule_breaker.pk)
    data = form_data(moderator_client, url, is_hidden="on", moderation_reason=reason)
    response = moderator_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "moderation_reason" in response.context["adminform"].form.errors
    assert not Theory.objects.get(pk=world.rule_breaker.pk).is_hidden
    assert not ModerationAction.objects.exists()


def test_moderator_hides_a_comment_with_a_reason(world, moderator, moderator_client):
    comment = CommentFactory(theory=world.visible, body=HIDDEN_COMMENT)
    url = change_url(Comment, comment.pk)
    response = moderator_client.post(url, form_data(moderator_client, url, is_hidden=None))
    assert response.status_code == HTTPStatus.FOUND  # nothing changed, nothing logged
    assert not ModerationAction.objects.exists()
    data = form_data(moderator_client, url, is_hidden="on", moderation_reason="")
    assert moderator_client.post(url, data).status_code == HTTPStatus.OK  # reason missing
    data = form_data(moderator_client, url, is_hidden="on", moderation_reason=REASON)
    assert moderator_client.post(url, data).status_code == HTTPStatus.FOUND
    assert Comment.objects.get(pk=comment.pk).is_hidden
    action = ModerationAction.objects.get()
    assert (action.kind, action.comment_id, action.reason) == (
        ModerationKind.HIDE,
        comment.pk,
        REASON,
    )


# Hidden content, everywhere ------------------------------------------------------------------


@pytest.fixture
def hidden(world, moderator):
    services.set_hidden(moderator=moderator, item=world.rule_breaker, hidden=True, reason=REASON)
    return world.rule_breaker


LISTING_PAGES = {
    "home": lambda w: reverse("guide:home"),
    "theory_list": lambda w: reverse("guide:theory_list"),
    "show": lambda w: w.show.get_absolute_url(),
    "season": lambda w: w.s2.get_absolute_url(),
    "character": lambda w: w.on_jo.get_absolute_url(),
    "profile": lambda w: reverse("accounts:profile", args=["fan"]),
    "search": lambda w: reverse("guide:search") + "?q=Walrus",
}


def _item_fragment(body: str, theory) -> str:
    """The card (or search result) that shows the theory."""
    marker = f'id="theory-{theory.pk}"'
    if marker in body:
        start = body.index(marker)
        return body[start : body.index("</article>", start)]
    link = body.index(f'href="{theory.get_absolute_url()}"')
    start = body.rindex("<li", 0, link)
    return body[start : body.index("</li>", link)]


@pytest.mark.parametrize("page", list(LISTING_PAGES))
def test_hidden_theory_is_gone_for_visitors_and_other_fans(world, hidden, other_fan, page):
    url = LISTING_PAGES[page](world)
    signed_in = Client()
    signed_in.force_login(other_fan)
    for client in (Client(), signed_in):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert HIDDEN_TITLE not in text_of(html(response))
        assert hidden.get_absolute_url() not in html(response)
    assert Client().get(hidden.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert signed_in.get(hidden.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("page", list(LISTING_PAGES))
def test_hidden_theory_stays_visible_and_marked_for_its_author_and_moderators(
    world, hidden, fan_client, moderator_client, page
):
    url = LISTING_PAGES[page](world)
    for who, client in [("author", fan_client), ("moderator", moderator_client)]:
        body = html(client.get(url))
        assert HIDDEN_TITLE in text_of(body), who
        assert "badge-hidden" in _item_fragment(body, hidden), f"{who} sees it unmarked on {page}"


def test_hidden_theory_page_tells_its_author_it_is_hidden(hidden, fan_client, moderator_client):
    for client in (fan_client, moderator_client):
        body = html(client.get(hidden.get_absolute_url()))
        assert HIDDEN_BODY in body
        assert "Hidden by a moderator" in body


def test_hidden_comment_is_gone_and_not_counted(world, moderator, fan, other_fan):
    theory = world.visible
    CommentFactory(theory=theory, author=other_fan, body="A kind comment.")
    bad = CommentFactory(theory=theory, author=fan, body=HIDDEN_COMMENT)
    services.set_hidden(moderator=moderator, item=bad, hidden=True, reason=REASON)
    visitor = Client()
    body = html(visitor.get(theory.get_absolute_url()))
    assert HIDDEN_COMMENT not in body
    assert "1 comment" in body
    assert '"commentCount": 1' in body
    card = _item_fragment(html(visitor.get(reverse("guide:theory_list"))), theory)
    assert "1 comment" in card
    # Its author still sees it, marked; so do moderators.
    for user in (fan, moderator):
        client = Client()
        client.force_login(user)
        body = html(client.get(theory.get_absolute_url()))
        comment_li = body[body.index(f'id="comment-{bad.pk}"') :]
        comment_li = comment_li[: comment_li.index("</li>")]
        assert HIDDEN_COMMENT in comment_li
        assert "badge-hidden" in comment_li


# The public log ----------------------------------------------------------------------------------


def test_moderation_log_lists_decisions_without_the_hidden_text(world, moderator, moderator_client):
    comment = CommentFactory(theory=world.visible, body=HIDDEN_COMMENT)
    url = change_url(Theory, world.rule_breaker.pk)
    moderator_client.post(
        url, form_data(moderator_client, url, is_hidden="on", moderation_reason=REASON)
    )
    report = ReportFactory(theory=None, comment=comment)
    _act(moderator_client, "hide_and_resolve", [report])
    dismissed = ReportFactory(theory=world.visible)
    _act(moderator_client, "dismiss", [dismissed])
    assert ModerationAction.objects.count() == 4
    response = Client().get(reverse("guide:moderation_log"))
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    for text in (HIDDEN_TITLE, HIDDEN_BODY, HIDDEN_COMMENT):
        assert text not in body
    rows = re.findall(r'<li class="log-entry">.*?</li>', body, re.S)
    assert len(rows) == 4
    assert all(f"Moderator {moderator.public_name}" in row for row in rows)
    assert REASON in body
    assert f"hid a theory: #{world.rule_breaker.pk}" in text_of(body)
    assert "dismissed a report of a theory" in body


def _log_rows(client=None) -> list[str]:
    body = html((client or Client()).get(reverse("guide:moderation_log")))
    return [text_of(row) for row in re.findall(r'<li class="log-entry">.*?</li>', body, re.S)]


def test_moderation_log_is_newest_first_by_time_then_by_entry(db):
    """Newest decision first by when it was made, however the rows were numbered; two
    decisions in the same instant come in the order they were logged, the later first."""
    now = timezone.now()
    first, second, third = (
        ModerationActionFactory(target_kind="theory", target_label=label)
        for label in ("#first", "#second", "#third")
    )
    # The first row logged is the newest decision (a slow transaction committed last);
    # the other two were made in the same instant. Updating the third before the second
    # leaves PostgreSQL's table holding them out of order, so only the tie-break by entry
    # puts them right there.
    ModerationAction.objects.filter(pk=first.pk).update(created_at=now)
    for action in (third, second):
        ModerationAction.objects.filter(pk=action.pk).update(
            created_at=now - datetime.timedelta(minutes=5)
        )
    rows = _log_rows()
    labels = ("#first", "#second", "#third")
    order = [next(label for label in labels if label in row) for row in rows]
    assert order == ["#first", "#third", "#second"]


def test_a_decision_logged_before_targets_had_kinds_reads_who_and_what(db, moderator):
    action = ModerationActionFactory(moderator=moderator, target_kind="", target_label="#7")
    (row,) = _log_rows()
    sentence = f"Moderator {moderator.public_name}: {action.get_kind_display()}"
    assert row.endswith(f" {sentence} #7"), row


def test_the_log_links_a_comment_only_while_anyone_may_see_it(world, moderator):
    shown = CommentFactory(theory=world.visible, body="Shown.")
    hidden = CommentFactory(theory=world.visible, body=HIDDEN_COMMENT, is_hidden=True)
    for comment in (shown, hidden):
        ModerationActionFactory(
            moderator=moderator,
            theory=None,
            comment=comment,
            target_kind="comment",
            target_label=f"#{comment.pk}",
        )
    body = html(Client().get(reverse("guide:moderation_log")))
    assert shown.get_absolute_url() in body
    assert hidden.get_absolute_url() not in body
    assert len(re.findall(r'<li class="log-entry">', body)) == 2


def test_moderation_log_queries_do_not_grow(db, django_assert_max_num_queries):
    client = Client()
    url = reverse("guide:moderation_log")
    ModerationActionFactory.create_batch(2, target_kind="theory", target_label="#1")
    client.get(url)

    def grow():
        for _ in range(30):  # each with its own moderator
            ModerationActionFactory(target_kind="theory", target_label="#1")

    assert_queries_do_not_grow(
        lambda: count_queries(client, url), grow, "moderation log (2 -> 32 actions)"
    )
    with django_assert_max_num_queries(3):
        client.get(url)


# Who may do what ----------------------------------------------------------------------------------


def _targets(world, fan):
    return {
        Show: world.show,
        Season: world.s1,
        Character: world.on_jo,
        User: fan,
    }


@pytest.mark.parametrize("model", [Show, Season, Character, User], ids=lambda m: m.__name__)
def test_moderator_cannot_edit_shows_or_users(world, fan, moderator_client, model):
    target = _targets(world, fan)[model]
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    url = change_url(model, target.pk)
    assert moderator_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert moderator_client.get(add).status_code == HTTPStatus.FORBIDDEN
    before = model.objects.filter(pk=target.pk).values().get()
    changes = {"title": "Taken over", "name": "Taken over", "username": "takenover", "number": 7}
    response = moderator_client.post(url, {**changes, "_save": "Save"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = moderator_client.post(add, {**changes, "_save": "Save"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert model.objects.filter(pk=target.pk).values().get() == before


@pytest.mark.parametrize("model", [Theory, Comment, Report], ids=lambda m: m.__name__)
def test_editor_cannot_moderate(world, editor_client, model):
    comment = CommentFactory(theory=world.visible)
    report = ReportFactory(theory=world.rule_breaker)
    target = {Theory: world.rule_breaker, Comment: comment, Report: report}[model]
    assert editor_client.get(changelist_url(model)).status_code == HTTPStatus.FORBIDDEN
    response = editor_client.post(
        change_url(model, target.pk),
        {"is_hidden": "on", "moderation_reason": REASON, "outcome": "open", "_save": "Save"},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = _act(editor_client, "hide_and_resolve", [report])
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Theory.objects.filter(is_hidden=True).exists()
    assert not Comment.objects.filter(is_hidden=True).exists()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.OPEN
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(
    ("reason", "logged"),
    [
        ("Season 1 aired: it spread to the city.", "Season 1 aired: it spread to the city."),
        ("", "It reached the city in episode 12."),
    ],
    ids=["the moderator's reason", "else the outcome's note"],
)
def test_settling_a_theory_in_the_admin_logs_the_moderators_reason(
    moderator, moderator_client, reason, logged
):
    aired = SeasonFactory(status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28))
    theory = TheoryFactory(season=aired)
    url = change_url(Theory, theory.pk)
    data = form_data(
        moderator_client,
        url,
        outcome=Outcome.DEBUNKED,
        outcome_note="It reached the city in episode 12.",
        moderation_reason=reason,
    )
    assert moderator_client.post(url, data).status_code == HTTPStatus.FOUND
    action = ModerationAction.objects.get(kind=ModerationKind.SET_OUTCOME)
    assert (action.theory_id, action.detail, action.reason) == (theory.pk, Outcome.DEBUNKED, logged)
