"""The little markup of a circular's text: paragraphs, emphasis and lists, never raw HTML.

Association staff write letters, not web pages. The text is escaped first, so whatever
HTML somebody types (or pastes) shows as the characters it is; only then are the few
marks turned into elements:

- a blank line separates paragraphs; a single line break stays a line break;
- ``**fett**`` and ``*kursiv*``;
- lines starting with ``- `` (or ``• ``) form a bulleted list; two or more lines numbered
  in order (``1. ``, ``2. ``) a numbered list that keeps its first number.
"""

import re
from itertools import groupby

from django.utils.html import escape
from django.utils.safestring import mark_safe

BULLET = re.compile(r"^\s*[-•]\s+(.*)$")
# Up to six digits: a longer number at the start of a line ("12345678. Sitzung") is text,
# and int() of thousands of digits would fail the page and its PDF.
NUMBERED = re.compile(r"^\s*(\d{1,6})[.)]\s+(.*)$")
# What is bold holds no "**": an opener that never closes then fails at the next "**",
# not at the end of the line, so a line of many openers takes linear, not quadratic, time.
STRONG = re.compile(r"\*\*(?=\S)((?:(?!\*\*).)+?)(?<=\S)\*\*")
EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")


def _inline(text):
    text = STRONG.sub(r"<strong>\1</strong>", escape(text))
    return EMPHASIS.sub(r"<em>\1</em>", text)


def _kind(line):
    if BULLET.match(line):
        return "ul"
    if NUMBERED.match(line):
        return "ol"
    return "p"


def _numbered_list(run):
    """Two or more lines numbered one after the other: a list that keeps their numbers.

    Anything else (a single "15. März 2018" at the start of a line) stays text.
    """
    numbers = [int(NUMBERED.match(line)[1]) for line in run]
    return len(run) > 1 and numbers == list(range(numbers[0], numbers[0] + len(run)))


def _block(lines):
    """One block, split into runs: text lines, bulleted lines, numbered lines."""
    segments = []
    for kind, run in groupby(lines, key=_kind):
        run = list(run)
        if kind == "ol" and not _numbered_list(run):
            kind = "p"
        if kind == "p" and segments and segments[-1][0] == "p":
            segments[-1][1].extend(run)  # text lines stay one paragraph
        else:
            segments.append((kind, run))
    html = []
    for kind, run in segments:
        if kind == "ul":
            items = "".join(f"<li>{_inline(BULLET.match(line)[1])}</li>" for line in run)
            html.append(f"<ul>{items}</ul>")
        elif kind == "ol":
            first = NUMBERED.match(run[0])[1]
            items = "".join(f"<li>{_inline(NUMBERED.match(line)[2])}</li>" for line in run)
            start = "" if first == "1" else f' start="{first}"'
            html.append(f"<ol{start}>{items}</ol>")
        else:
            html.append("<p>" + "<br>".join(_inline(line.strip()) for line in run) + "</p>")
    return "".join(html)


def render_markup(text):
    """The HTML of ``text`` (safe to put into a template without further escaping)."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    html = "\n".join(_block(block.splitlines()) for block in blocks if block.strip())
    return mark_safe(html)  # noqa: S308 (built from escaped text only)
