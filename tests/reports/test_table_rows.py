"""The status overview's and the coverage matrix's rows, written in Python in one pass
(``reports.templatetags.status_table``, ``measures.templatetags.coverage_table``), show
what the template loops they replace showed: the same markup, cell for cell, in German and
in English, on pages with a name to escape, a jobcenter without key figures or date of
joining, figures in the thousands and cells with several statuses or none.

The loops are kept here as they were in the templates: the reference."""

import re

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation

from accessions.access import organisation_overview_jobcenters
from measures.models import MeasureStatus
from reports.contents import status_overview
from tests import factories

pytestmark = pytest.mark.django_db

STATUS_ROWS = """{% load humanize standing %}{% for row in overview.rows %}
      <tr>
        <th scope="row">{% if link_profiles %}\
<a href="{% url 'overviews:profile' overview.agreement.pk row.jobcenter.pk %}">\
{{ row.jobcenter.name }}</a>{% else %}\
{{ row.jobcenter.name }}{% endif %}</th>
        <td>{{ row.jobcenter.accession_status|standing }}</td>
        <td>{{ row.jobcenter.accession_joined_on|date:"d.m.Y"|default:"–" }}</td>
        {% for cell in row.cells %}<td>{{ cell.total }}</td>{% endfor %}
        {% if row.key_figures %}
          <td>{{ row.key_figures.year }}</td>
          <td>{{ row.key_figures.severely_disabled|intcomma }}</td>
          <td>{{ row.key_figures.equal_status|intcomma }}</td>
          <td>{{ row.key_figures.rehabilitants|intcomma }}</td>
        {% else %}
          <td>–</td><td>–</td><td>–</td><td>–</td>
        {% endif %}
      </tr>{% endfor %}"""

COVERAGE_ROWS = """{% load i18n %}{% for jobcenter, cells in matrix.rows %}
      <tr>
        <th scope="row"><a href="{{ jobcenter.get_absolute_url }}">{{ jobcenter.name }}</a></th>
        {% for cell in cells %}
          <td>{% for label, count in cell.parts %}\
<span class="d-block">{{ count }} {{ label }}</span>\
{% empty %}<span aria-hidden="true">–</span>\
<span class="visually-hidden">{% translate "keine" %}</span>\
{% endfor %}</td>
        {% endfor %}
      </tr>{% endfor %}"""


def _tags_only(html):
    """Markup without the white space between tags, which neither a browser nor WeasyPrint
    shows between table rows and cells."""
    return re.sub(r">\s+<", "><", html).strip()


def _body(html):
    return _tags_only(html.split("<tbody>", 1)[1].split("</tbody>", 1)[0])


def _reference(template, context):
    return _tags_only(engines["django"].from_string(template).render(context))


@pytest.fixture
def varied(accession_world, nrw):
    """Rows that take every branch of the loops."""
    second = factories.ActionFieldFactory(agreement=nrw.agreement, number=2)
    odd = factories.JobcenterFactory(name="Jobcenter <Rhein> & „Ruhr“")
    factories.AccessionFactory(jobcenter=odd, agreement=nrw.agreement, joined=True)
    factories.KeyFiguresFactory(
        jobcenter=odd, year=2025, severely_disabled=12345, equal_status=1000, rehabilitants=1007
    )
    for status in (MeasureStatus.PLANNED, MeasureStatus.COMPLETED, MeasureStatus.STOPPED):
        factories.MeasureFactory(
            jobcenter=odd, agreement=nrw.agreement, action_field=second, status=status
        )
    factories.MeasureFactory(
        jobcenter=odd, agreement=nrw.agreement, action_field=accession_world.action_field
    ).further_action_fields.add(second)
    factories.JobcenterFactory(name="Jobcenter ohne alles")  # no accession, figures, measures
    return odd


@pytest.fixture(params=["de", "en"])
def page(request, client, users, nrw):
    """``page(view)``: the ministry's page of the agreement in one language, and the
    reference loop rendered in that language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    client.force_login(users.ministry)

    def get(view, reference, names, **extra):
        response = client.get(reverse(view, args=[nrw.agreement.pk]))
        html = response.content.decode()
        assert f'lang="{request.param}"' in html
        context = {name: response.context[name] for name in names} | extra
        with translation.override(request.param):
            return _body(html), _reference(reference, context)

    get.language = request.param
    return get


def test_the_status_overview_page_shows_the_rows_the_template_loop_showed(page, varied):
    rows, reference = page("overviews:status", STATUS_ROWS, ["overview"], link_profiles=True)

    assert "Jobcenter &lt;Rhein&gt; &amp; „Ruhr“" in rows
    assert ("<td>12,345</td>" if page.language == "en" else "<td>12.345</td>") in rows
    assert rows == reference


def test_the_status_overview_pdf_gets_the_rows_the_template_loop_gave(nrw, varied):
    overview = status_overview(
        organisation_overview_jobcenters(nrw.ministry, nrw.agreement), nrw.agreement
    )
    html = (
        engines["django"]
        .get_template("reports/includes/status_table.html")
        .render({"overview": overview})
    )

    assert "<a href" not in html
    assert _body(html) == _reference(STATUS_ROWS, {"overview": overview})


def test_the_coverage_matrix_shows_the_rows_the_template_loop_showed(page, varied):
    rows, reference = page("measures:coverage", COVERAGE_ROWS, ["matrix"])

    assert ("1 stopped" if page.language == "en" else "1 abgebrochen") in rows
    assert rows == reference
