"""Helpers for the tests that hold rows written in Python (template tags) against the
template loops they replace: the same markup, up to the white space between tags."""

import re

from django.template import engines
from django.utils import translation


def tags_only(html):
    """Markup without the white space between tags, which no browser shows in a table."""
    return re.sub(r">\s+<", "><", html).strip()


def table_body(response):
    """The first ``<tbody>`` of the page, tags only."""
    html = response.content.decode()
    return tags_only(html.split("<tbody>", 1)[1].split("</tbody>", 1)[0])


def loop_rendered(loop, context, language):
    """The reference ``loop`` rendered with ``context`` in ``language``, tags only."""
    with translation.override(language):
        return tags_only(engines["django"].from_string(loop).render(context))
