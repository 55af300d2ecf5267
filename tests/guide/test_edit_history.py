"""Edit history: every edit of a theory's or a comment's text is kept and shown to all.

A claim cannot be rewritten unseen: the text an edit replaces is kept (append-only), and
the history page shows each edit with its time and what it changed, behind the same
spoiler shield as the item, to whoever may read the item and nobody else.
"""

import datetime
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guide import selectors, services
from guide.models import Revision, Theory
from guide.templatetags.guide_tags import machine_time
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page, assert_open, assert_shielded
from tests.kit.worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def history_url(item) -> str:
    name = "guide:theory_history" if isinstance(item, Theory) else "guide:comment_history"
    return reverse(name, args=[item.pk])


def edit(theory, **changes):
    text = {
        "title": theory.title,
        "body": theory.body,
        "spoiler_season": theory.spoiler_season,
        "characters": list(theory.characters.all()),
        "spoiler_free_title": theory.spoiler_free_title,
        **changes,
    }
    return services.edit_theory(theory=Theory.objects.get(pk=theory.pk), **text)


def reader(world, watched: int) -> Client:
    client = Client()
    client.post(reverse("guide:set_progress"), {"show": world.show.pk, "seasons_watched": watched})
    return client


def html_of(response) -> str:
    assert response.status_code == HTTPStatus.OK, response
    return response.content.decode()


def diff_of(body: str) -> list[tuple[str, str]]:
    """The lines of the text diffs in `body`, in order: ("del" | "ins" | "span", text)."""
    blocks = re.findall(r'<div class="diff"[^>]*>(.*?)</div>', body, re.S)
    hidden = re.compile(r'<span class="visually-hidden">[^<]*</span>')
    return [
        line
        for block in blocks
        for line in re.findall(r"<(del|ins|span)>([^<]*)</\1>", hidden.sub("", block))
    ]


# What is kept ------------------------------------------------------------------------------


def test_an_edit_keeps_the_text_it_replaced_with_when_it_was_written(world):
    theory = world.theory
    posted = theory.created_at
    edit(theory, title="On-jo returns, changed", body="Line one.\nLine two.")
    first = edit(theory, body="Line one.\nLine 2.", spoiler_season=1)
    revisions = list(Revision.objects.filter(theory=theory).order_by("pk"))
    assert [(r.title, r.body, r.spoiler_season) for r in revisions] == [
        ("On-jo returns as a half-zombie", "She *survives* somehow.", None),
        ("On-jo returns, changed", "Line one.\nLine two.", None),
    ]
    assert revisions[0].written_at == posted
    assert revisions[1].written_at == revisions[0].replaced_at
    assert revisions[1].replaced_at == first.edited_at


def test_an_edit_that_leaves_the_text_as_it_was_keeps_nothing(world):
    edit(world.theory, characters=[world.nam_ra], spoiler_free_title="")
    assert not Revision.objects.exists()


def test_a_comment_edit_keeps_the_text_it_replaced(world):
    comment = world.comment
    services.edit_comment(comment=comment, body="Agreed, mostly.", spoiler_season=1)
    (revision,) = Revision.objects.filter(comment=comment)
    assert (revision.body, revision.spoiler_season, revision.title) == ("Agreed!", None, "")
    assert revision.theory is None


# The page ---------------------------------------------------------------------------------


def test_the_history_shows_each_edit_newest_first_and_the_text_as_posted(world, client):
    theory = world.theory
    edit(theory, body="She survives.\nShe leads the class.")
    edit(theory, title="On-jo returns", body="She survives.\nShe leads the school.")
    body = html_of(client.get(history_url(theory)))
    entries = body.split('class="history-entry"')[1:]
    assert len(entries) == 3  # two edits, then the text as posted
    newest, older, posted = entries
    assert diff_of(newest) == [
        ("span", "She survives."),
        ("del", "She leads the class."),
        ("ins", "She leads the school."),
    ]
    assert "<del>On-jo returns as a half-zombie</del> → <ins>On-jo returns</ins>" in newest
    assert "<del>" not in older.split('class="diff"')[0]  # the title did not change then
    assert diff_of(older) == [
        ("del", "She *survives* somehow."),
        ("ins", "She survives."),
        ("ins", "She leads the class."),
    ]
    assert "Posted" in posted
    assert diff_of(posted) == [("span", "She *survives* somehow.")]


def test_a_title_and_a_spoiler_tag_change_are_shown(world, client):
    edit(world.theory, title="On-jo returns", spoiler_season=1)
    reader_text = re.sub(r"\s+", " ", html_of(client.get(history_url(world.theory))))
    assert "<del>On-jo returns as a half-zombie</del> → <ins>On-jo returns</ins>" in reader_text
    assert "<del>none</del> → <ins>season 1</ins>" in reader_text
    # And back: the tag an earlier text had is shown as it was.
    edit(world.theory, title="On-jo returns", spoiler_season=None)
    newest = html_of(client.get(history_url(world.theory))).split('class="history-entry"')[1]
    assert "<del>season 1</del> → <ins>none</ins>" in re.sub(r"\s+", " ", newest)


def test_a_theory_never_edited_says_so_and_shows_its_text(world, client):
    body = html_of(client.get(history_url(world.theory)))
    assert "Never edited." in body
    assert diff_of(body) == [("span", "She *survives* somehow.")]


def test_the_item_pages_link_an_edit_to_its_history(world, client):
    edit(world.theory, body="Changed.")
    services.edit_comment(comment=world.comment, body="Changed too.")
    body = html_of(client.get(world.theory.get_absolute_url()))
    assert f'href="{history_url(world.theory)}"' in body
    assert f'href="{history_url(world.comment)}"' in body


def test_a_comment_history_shows_its_edit(world, client):
    services.edit_comment(comment=world.comment, body="Agreed, mostly.")
    body = html_of(client.get(history_url(world.comment)))
    assert diff_of(body.split('class="history-entry"')[1]) == [
        ("del", "Agreed!"),
        ("ins", "Agreed, mostly."),
    ]
    assert 'name="robots" content="noindex"' in body


def test_edits_are_paged_and_each_page_diffs_against_the_next_newer_text(world, client):
    theory = world.theory
    total = selectors.EDITS_PER_PAGE + 3
    for n in range(1, total + 1):
        edit(theory, body=f"Version {n}")
    first = html_of(client.get(history_url(theory)))
    assert first.count('class="history-entry"') == selectors.EDITS_PER_PAGE
    assert diff_of(first)[:2] == [("del", f"Version {total - 1}"), ("ins", f"Version {total}")]
    second = html_of(client.get(history_url(theory) + "?page=2"))
    # The second page's first edit replaced the text the first page's last edit started from.
    oldest_on_first = total - selectors.EDITS_PER_PAGE
    assert diff_of(second)[:2] == [
        ("del", f"Version {oldest_on_first - 1}"),
        ("ins", f"Version {oldest_on_first}"),
    ]
    assert diff_of(second)[-1] == ("span", "She *survives* somehow.")  # as posted


def test_edits_keep_the_order_they_were_made_in_even_if_the_clock_went_back(world, client):
    theory = world.theory
    for n in range(1, selectors.EDITS_PER_PAGE + 3):
        edit(theory, body=f"Version {n}")
    # The server's clock stepped back a day before the tenth edit: times no longer tell
    # the order.
    tenth = Revision.objects.filter(theory=theory).order_by("pk")[9]
    stepped_back = timezone.now() - datetime.timedelta(days=1)
    Revision.objects.filter(pk=tenth.pk).update(replaced_at=stepped_back)
    last = selectors.EDITS_PER_PAGE + 2
    assert diff_of(html_of(client.get(history_url(theory))))[:2] == [
        ("del", f"Version {last - 1}"),
        ("ins", f"Version {last}"),
    ]
    second = diff_of(html_of(client.get(history_url(theory) + "?page=2")))
    assert second == [
        ("del", "Version 1"),
        ("ins", "Version 2"),
        ("del", "She *survives* somehow."),
        ("ins", "Version 1"),
        ("span", "She *survives* somehow."),
    ]


def test_the_history_queries_do_not_grow_with_edits(world):
    client, url = Client(), history_url(world.theory)
    edit(world.theory, body="Version 0")

    def grow():
        for n in range(selectors.EDITS_PER_PAGE + 5):
            edit(world.theory, body=f"Version {n}")

    assert_queries_do_not_grow(lambda: count_queries(client, url), grow, "edit history")


def test_a_text_of_very_many_lines_is_shown_whole_instead_of_diffed():
    many = "\n".join("x" for _ in range(selectors.DIFF_LINES + 1))
    lines = selectors._line_diff(many, many + "\ny")
    assert lines[0] == ("removed", "x")
    assert lines[-1] == ("added", "y")
    assert len(lines) == 2 * (selectors.DIFF_LINES + 1) + 1
    assert selectors._line_diff("a\nb\nc", "a\nB\nc") == [
        ("same", "a"),
        ("removed", "b"),
        ("added", "B"),
        ("same", "c"),
    ]
    # Up to DIFF_LINES lines a text is still diffed.
    longest = ["x"] * (selectors.DIFF_LINES - 1)
    lines = selectors._line_diff("\n".join([*longest, "y"]), "\n".join([*longest, "z"]))
    assert lines[-2:] == [("removed", "y"), ("added", "z")]
    assert len(lines) == selectors.DIFF_LINES + 1


# The shield and who may read ---------------------------------------------------------------


def test_an_earlier_spoiler_text_stays_shielded_after_its_tag_is_removed(world):
    edit(world.theory, body="Nam-ra bites On-jo in the finale.", spoiler_season=1)
    edit(world.theory, body="Something happens.", spoiler_season=None)
    unwatched = Page(reader(world, 0).get(history_url(world.theory)))
    assert_shielded(unwatched, "Nam-ra bites On-jo in the finale.")
    watched = Page(reader(world, 1).get(history_url(world.theory)))
    assert_open(watched, "Nam-ra bites On-jo in the finale.")


def test_an_earlier_text_is_shielded_once_its_theory_is_tagged(world):
    edit(world.theory, body="Nam-ra bites On-jo in the finale.", spoiler_season=1)
    page = Page(reader(world, 0).get(history_url(world.theory)))
    assert_shielded(page, "She *survives* somehow.")


def test_a_hidden_theory_history_is_for_its_author_and_moderators_only(
    world, fan_client, other_fan_client, moderator_client
):
    edit(world.theory, body="Changed.")
    Theory.objects.filter(pk=world.theory.pk).update(is_hidden=True)
    url = history_url(world.theory)
    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND
    assert other_fan_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert fan_client.get(url).status_code == HTTPStatus.OK  # the author
    assert moderator_client.get(url).status_code == HTTPStatus.OK


def test_a_withdrawn_theory_has_no_history_to_read(world, client):
    edit(world.theory, body="Changed.")
    services.delete_theory(theory=world.theory)  # others commented: withdrawn
    assert client.get(history_url(world.theory)).status_code == HTTPStatus.NOT_FOUND


def test_a_hidden_comment_history_is_not_shown_to_others(world, other_fan_client, fan_client):
    services.edit_comment(comment=world.comment, body="Changed.")
    world.comment.is_hidden = True
    world.comment.save(update_fields=["is_hidden"])
    url = history_url(world.comment)
    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND
    assert fan_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert other_fan_client.get(url).status_code == HTTPStatus.OK  # its author


def test_an_unknown_item_is_a_404(db, client):
    assert client.get(reverse("guide:theory_history", args=[999])).status_code == 404
    assert client.get(reverse("guide:comment_history", args=[999])).status_code == 404


# What every part of the page says -----------------------------------------------------------


def test_each_edit_and_the_first_text_carry_their_times(world, client):
    edit(world.theory, body="Changed.")
    (revision,) = Revision.objects.filter(theory=world.theory)
    entries = html_of(client.get(history_url(world.theory))).split('class="history-entry"')[1:]
    assert f'datetime="{machine_time(revision.replaced_at)}"' in entries[0]
    assert f'datetime="{machine_time(world.theory.created_at)}"' in entries[1]


def test_the_page_links_back_to_its_item_and_on_to_older_edits(world, client):
    for n in range(selectors.EDITS_PER_PAGE + 1):
        services.edit_comment(comment=world.comment, body=f"Take {n}")
    edit(world.theory, body="Changed.")
    theory_page = html_of(client.get(history_url(world.theory)))
    assert f'href="{world.theory.get_absolute_url()}">Back to the theory' in theory_page
    first = html_of(client.get(history_url(world.comment)))
    assert f'href="{world.comment.get_absolute_url()}">Back to the comment' in first
    assert 'rel="next" href="?page=2"' in first
    # The second page holds one edit, the first, and the comment as posted.
    second = html_of(client.get(history_url(world.comment) + "?page=2"))
    assert diff_of(second) == [("del", "Agreed!"), ("ins", "Take 0"), ("span", "Agreed!")]


def test_a_comment_history_has_no_title_lines(world, client):
    services.edit_comment(comment=world.comment, body="Agreed, mostly.")
    body = html_of(client.get(history_url(world.comment)))
    assert "Title" not in body
    assert "<del></del>" not in body


def test_a_spoiler_never_edited_is_shielded_in_its_history(world):
    theory = world.spoiler_theory  # a season-1 spoiler, never edited
    page = Page(reader(world, 0).get(history_url(theory)))
    assert_shielded(page, theory.body)


def test_a_comment_on_a_hidden_theory_has_a_history_only_for_who_may_see_the_theory(
    world, moderator_client, other_fan_client
):
    comment = services.post_comment(author=world.other_fan, theory=world.theory, body="Mine")
    services.edit_comment(comment=comment, body="Mine, edited")
    Theory.objects.filter(pk=world.theory.pk).update(is_hidden=True)
    url = history_url(comment)
    assert other_fan_client.get(url).status_code == HTTPStatus.NOT_FOUND  # not the theory's
    assert moderator_client.get(url).status_code == HTTPStatus.OK


def test_a_history_page_makes_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    edit(world.theory, body="Changed.")
    # The theory with its season and show, the edits' count, the edits.
    with django_assert_num_queries(3):
        html_of(client.get(history_url(world.theory)))
    services.edit_comment(comment=world.comment, body="Changed.")
    # The comment, its theory (as the reader may see it) with its season and show, the
    # edits' count, the edits.
    with django_assert_num_queries(4):
        html_of(client.get(history_url(world.comment)))
