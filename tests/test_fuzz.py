"""No text takes a page down: every form and filter of ``tests.pages.PAGES`` fuzzed.

Each page's form fields are read from the page itself (so a field added later is fuzzed
too) and sent, by the first user kind who may open the page, as random unicode with
control characters, huge numbers, long strings and dates that do not exist. The answer
may be an error at the field, a redirect or a 403, never a 500. Each example runs in a
savepoint that is rolled back, so every one meets the same data.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.markup import render_markup
from tests.downloads import download
from tests.pages import OK, PAGES, USERS

# The worlds (nrw, hessen, accession_world, users) are made once for the module: _worlds.
pytestmark = pytest.mark.usefixtures("shared_world", "accession_world")

# Few random examples per page: there are many pages, and the file stays under a minute.
EXAMPLES = 4
# Sent into every text field of every page besides: what once made a 500 somewhere.
ATTACKS = [
    "Ti\x00tel\x0b\x01",
    "anlage\u202efdp.exe",
    "9" * 5000 + ". Zeile",
    "**a " * 5000,
    "x" * 30_000,
]

HOSTILE = st.one_of(
    st.text(max_size=60),  # any unicode but surrogates, control characters among them
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=5),
    # Huge numbers (beyond int()'s 4,300 digits) and long strings, made cheaply.
    st.builds(
        lambda character, count: character * count,
        st.one_of(st.sampled_from("123456789"), st.characters(codec="utf-8")),
        st.integers(min_value=250, max_value=25_000),
    ),
    st.sampled_from(
        ["", "-1", "0", "1e309", "NaN", "31.02.2018", "01.01.0001", "99.99.99999", "2147483648"]
    ),
)


# The elements render_markup makes; anything else in its HTML came from the text.
MARKUP_TAGS = re.compile(r'</?(p|br|strong|em|ul|ol|li)>|<ol start="\d+">|\n')


class _Form(HTMLParser):
    """The fields of a page's forms sent by ``method``: their values, and which hold text."""

    def __init__(self, method):
        super().__init__()
        self.method, self._inside, self._textarea, self._select = method, False, None, None
        self.values, self.text_fields = {}, {}  # text field name -> its maxlength or None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self._inside = (attrs.get("method") or "get").lower() == self.method
        elif not self._inside or not name or name == "csrfmiddlewaretoken":
            if tag == "option" and self._select and "selected" in attrs:
                self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
            self.text_fields[name] = attrs.get("maxlength")
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            if "checked" in attrs:
                self.values.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "input" and attrs.get("type") not in ("file", "submit"):
            self.values[name] = attrs.get("value", "")
            if attrs.get("type", "text") in ("text", "search") and "inputmode" not in attrs:
                self.text_fields[name] = attrs.get("maxlength")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _form(response, method):
    form = _Form(method)
    form.feed(response.content.decode())
    return form


def _opened_by(client, users, page):
    """The client as the first user kind who may open ``page``."""
    user_kind = next(kind for kind in USERS if page.expect[kind] == OK)
    if user_kind != "anonymous":
        client.force_login(getattr(users, user_kind))
    return client


def _fuzz(send, form, extra=()):
    """Send ``form`` as the page filled it in, its text fields (and ``extra``) hostile.

    The known attacks go into every text field at once, cut to the field's maxlength as a
    browser would, so that the form may be valid and be saved; random values go into
    every field. ``send`` follows a redirect, so the page that shows what was saved is
    rendered too.
    """
    # Names the page does not show (a query parameter, a field of the invalid data) as text.
    text_fields = {**dict.fromkeys(set(extra) - set(form.values)), **form.text_fields}

    def check(data):
        with transaction.atomic():
            response = send(data)
            transaction.set_rollback(True)
        assert response.status_code < 500

    fields = {name: st.one_of(st.just(value), HOSTILE) for name, value in form.values.items()}
    fields.update(dict.fromkeys(text_fields, HOSTILE))
    run = given(st.fixed_dictionaries(dict(sorted(fields.items()))))(check)
    for attack in ATTACKS:
        filled = {
            name: attack[: int(maxlength)] if maxlength else attack
            for name, maxlength in text_fields.items()
        }
        run = example({**form.values, **filled})(run)
    settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(run)()


# Read from the query string besides the filter forms' fields.
PARAMETERS = ["seite", "sort", "q"]

FORM_PAGES = [
    page for page in PAGES if page.invalid_post and any(page.expect[k] == OK for k in USERS)
]
FILTER_PAGES = [page for page in PAGES if any(page.expect[kind] == OK for kind in USERS)]


@pytest.mark.parametrize("page", FORM_PAGES, ids=lambda page: page.id)
def test_no_form_answers_hostile_text_with_a_500(client, users, page):
    client = _opened_by(client, users, page)
    url = page.url()
    form = _form(client.get(url), "post")

    _fuzz(lambda data: client.post(url, data, follow=True), form, extra=page.invalid_post)


@pytest.mark.parametrize(
    "page",
    [page for page in FILTER_PAGES if page.invalid_query or page.url_name.endswith("list")],
    ids=lambda page: page.id,
)
def test_no_list_answers_hostile_filters_with_a_500(client, users, page):
    client = _opened_by(client, users, page)
    url = page.url()

    _fuzz(lambda data: client.get(url, data), _form(client.get(url), "get"), extra=PARAMETERS)


@pytest.mark.parametrize(
    ("url_name", "list_name"),
    [
        ("measures:export-csv", "measures:list"),
        ("measures:export-xlsx", "measures:list"),
        ("jobcenters:export-xlsx", "jobcenters:list"),
        ("measures:key-figures-export-xlsx", "measures:key-figures"),
        ("accessions:export-xlsx", "accessions:jobcenters"),
    ],
)
def test_no_export_answers_hostile_filters_with_a_500(client, users, nrw, url_name, list_name):
    client.force_login(users.ministry)
    kwargs = {"agreement_pk": nrw.agreement.pk} if url_name.startswith("accessions") else None
    url = reverse(url_name, kwargs=kwargs)
    form = _form(client.get(reverse(list_name, kwargs=kwargs)), "get")

    def export(data):
        # The whole way: the CSV streamed to its end, the XLSX written by the (eager) worker.
        response = download(client, url, data)
        if response.streaming:
            response.getvalue()
        return response

    _fuzz(export, form, extra=PARAMETERS)


def test_the_language_switch_takes_hostile_text(client, db):
    form = _form(client.get(reverse("public-home")), "post")

    _fuzz(lambda data: client.post(reverse("set_language"), data), form, extra=["next"])


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_the_circular_markup_renders_any_text_and_lets_no_html_of_its_own_through(text):
    html = render_markup(text)

    assert "<" not in MARKUP_TAGS.sub("", html)
