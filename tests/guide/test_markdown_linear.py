"""Markdown work grows linearly with the text, whatever a fan types.

A body is parsed when it is posted or edited (and for a preview), so a body that makes the
parser do quadratic work costs every writer's request. Work is counted, not timed: the
steps of Python the parser takes (markdown-it and our own rules) and the size of what the
sanitiser is given (nh3 is linear in its input).

Linear work is a + b·n: going from n to 2n repetitions of a fragment adds b·n, and from
2n to 4n adds 2·b·n, twice as much; quadratic work adds four times as much. The fixed
part a (negative, too, where a parser's set-up pays off only on longer input) cancels out
of that comparison.
"""

import sys
import threading
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from guide import markdown
from tests.bad_input.hostile import FEW

# Pieces of Markdown syntax that open or close something, and a little text.
PIECES = [
    "[", "]", "(", ")", "![", "](", "*", "**", "_", "`", "```", "~~", "<", ">", "\\",
    "\n", "\n\n", " ", "#", "- ", "1. ", "> ", "a", "http://a.b", "www.a.b", "<a@b.c>",
    '"', "'", "&amp;", "|",
]  # fmt: skip
FRAGMENTS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)

# The second step's growth over the first's: 2 for linear work, 4 for quadratic; the margin
# leaves room for the parser's steps that depend on where a repetition happens to end.
GROWTH_LIMIT = 2.5
LONGEST_BODY = 4_000  # characters at 4n: long enough for quadratic work to show


def steps_run(function: Callable[[str], object], text: str) -> int:
    """How many steps of Python `function(text)` takes: lines run, and jumps back to the
    start of a loop (a loop written on one line runs no new line as it goes round)."""
    tool = sys.monitoring.PROFILER_ID
    events = sys.monitoring.events
    count = 0
    # Monitoring sees every thread: count this one's steps only, not those of a thread
    # that happens to run meanwhile (a database pool's, a test server's).
    measuring = threading.get_ident()

    def on_step(*_):
        nonlocal count
        if threading.get_ident() == measuring:
            count += 1

    sys.monitoring.use_tool_id(tool, "markdown-work")
    try:
        for event in (events.LINE, events.JUMP):
            sys.monitoring.register_callback(tool, event, on_step)
        sys.monitoring.set_events(tool, events.LINE | events.JUMP)
        function(text)
    finally:
        sys.monitoring.set_events(tool, 0)
        sys.monitoring.free_tool_id(tool)
    return count


def sanitiser_input(text: str) -> int:
    """How much HTML the parser hands to the sanitiser."""
    return len(markdown._parser.render(text))


# Work that hardly grows (the parser stops nesting at a fixed depth, say) differs by a few
# steps between runs; an increment below this share of the work counts as this share, so
# that those few steps are not read as a growth rate.
FLAT_SHARE = 0.01


def growth(measure: Callable[[str], int], fragment: str) -> float:
    repeats = max(1, LONGEST_BODY // (4 * len(fragment)))
    measure(fragment * repeats)  # the parser compiles some patterns on first use
    small, middle, large = (measure(fragment * k * repeats) for k in (1, 2, 4))
    return (large - middle) / max(middle - small, FLAT_SHARE * large, 1)


@pytest.mark.parametrize(
    "measure",
    [
        pytest.param(lambda text: steps_run(markdown.render, text), id="render"),
        pytest.param(lambda text: steps_run(markdown.to_plain_text, text), id="plain-text"),
        pytest.param(sanitiser_input, id="sanitiser-input"),
    ],
)
@FEW  # twenty fragments a run, besides the known hostile ones below
@given(fragment=FRAGMENTS)
@example(fragment="[[a](")  # the review's hostile body
@example(fragment="![a](b)")  # many images: each once looked back over all the tokens
@example(fragment="[![a](")
@example(fragment="**_")
@example(fragment=">1.  ")  # nests until the parser's depth limit, then the work is flat
@example(fragment="*\n[\n> ")  # a quote's lazy lines: quadratic until quotes had none
def test_markdown_work_grows_linearly(measure, fragment):
    assert growth(measure, fragment) <= GROWTH_LIMIT, fragment


def test_the_counter_sees_quadratic_work():
    """The measure itself can tell: a deliberately quadratic function fails the limit."""

    def quadratic(text):
        return sum(1 for i in range(len(text)) for _ in text[:i])

    assert growth(lambda text: steps_run(quadratic, text), "ab") > GROWTH_LIMIT
    assert growth(lambda text: steps_run(lambda t: sum(1 for _ in t), text), "ab") <= GROWTH_LIMIT
