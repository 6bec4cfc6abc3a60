"""Helpers for pages that write thousands of table rows in Python rather than in template
loops (the status overview, the coverage matrix): a template variable costs a context
look-up, ``localize`` and ``conditional_escape`` each, a filter more, ``{% url %}`` a
``reverse``; at 1,616 rows that was most of the page's time.

Each helper does once per page what the template did once per cell, and gives the same
text (``tests/reports/test_table_rows.py`` holds the rows against the template loops); the
addresses come from ``core.paging.row_urls``, one ``reverse`` a page."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import get_format


def grouped_integers():
    """A function that writes an int as ``intcomma`` does in the active language
    ("1.234" in German, "1,234" in English), read from the language's formats once."""
    if get_format("NUMBER_GROUPING") != 3:  # both our languages group by three
        return intcomma
    separator = get_format("THOUSAND_SEPARATOR")
    return lambda number: f"{number:,}".replace(",", separator)


def day(value, missing="–"):
    """A date as the ``date:"d.m.Y"`` filter writes it (the same in both languages), or
    ``missing``."""
    if value is None:
        return missing
    return f"{value.day:02d}.{value.month:02d}.{value.year}"
