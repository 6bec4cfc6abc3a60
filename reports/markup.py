"""The little markup of a circular's text: paragraphs, emphasis and lists, never raw HTML.

Association staff write letters, not web pages. The text is escaped first, so whatever
HTML somebody types (or pastes) shows as the characters it is; only then are the few
marks turned into elements:

- a blank line separates paragraphs; a single line break stays a line break;
- ``**fett**`` and ``*kursiv*``;
- lines starting with ``- `` (or ``• ``) form a bulleted list, lines starting with ``1. ``
  a numbered list.
"""

import re
from itertools import groupby

from django.utils.html import escape
from django.utils.safestring import mark_safe

BULLET = re.compile(r"^\s*[-•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
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


def _block(lines):
    """One block, split into runs: text lines, bulleted lines, numbered lines."""
    html = []
    for kind, run in groupby(lines, key=_kind):
        run = list(run)
        if kind == "p":
            html.append("<p>" + "<br>".join(_inline(line.strip()) for line in run) + "</p>")
        else:
            pattern = BULLET if kind == "ul" else NUMBERED
            items = "".join(f"<li>{_inline(pattern.match(line)[1])}</li>" for line in run)
            html.append(f"<{kind}>{items}</{kind}>")
    return "".join(html)


def render_markup(text):
    """The HTML of ``text`` (safe to put into a template without further escaping)."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    html = "\n".join(_block(block.splitlines()) for block in blocks if block.strip())
    return mark_safe(html)  # noqa: S308 (built from escaped text only)
