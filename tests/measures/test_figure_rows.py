"""The key figures' rows and sums, written in Python in one pass
(``measures.templatetags.figure_table``), show what the template loop and its included
template showed: the same markup, cell for cell, in German and in English, with figures in
the thousands, a name to escape, and the link to correct them for who may.

The loop and the include are kept here as they were in the templates: the reference."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.table_rows import loop_rendered, table_body, tags_only

pytestmark = pytest.mark.django_db

CELLS = """{% load humanize %}\
<td class="text-end">{{ figures.severely_disabled|intcomma }}</td>
<td class="text-end">{{ figures.equal_status|intcomma }}</td>
<td class="text-end">{{ figures.rehabilitants|intcomma }}</td>
<td class="text-end">{{ figures.integrations_severely_disabled|intcomma }}</td>
<td class="text-end">{{ figures.integrations_equal_status|intcomma }}</td>
<td class="text-end">{{ figures.integrations_rehabilitants|intcomma }}</td>"""

ROWS = """{% load humanize i18n %}{% for row in rows %}
          <tr>
            <th scope="row">{{ row.jobcenter.name }}</th>
            {% with figures=row %}CELLS{% endwith %}
            {% if can_enter %}<td><a href="{% url 'measures:key-figures-edit' \
row.jobcenter_id row.year %}">{% translate "korrigieren" %}<span class="visually-hidden"> \
{{ row.year }}</span></a></td>{% endif %}
          </tr>{% endfor %}""".replace("CELLS", CELLS.removeprefix("{% load humanize %}"))

SUMS = "{% load humanize %}{% with figures=sums %}CELLS{% endwith %}".replace(
    "CELLS", CELLS.removeprefix("{% load humanize %}")
)


@pytest.fixture
def figures(accession_world):
    odd = factories.JobcenterFactory(name='Jobcenter <Rhein> & "Ruhr"')
    factories.KeyFiguresFactory(
        jobcenter=odd, year=2025, severely_disabled=12345, equal_status=1000, rehabilitants=1007
    )
    return odd


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("role", ["ministry", "city_manager"])
def test_the_key_figures_show_the_rows_the_template_loop_showed(
    client, users, figures, language, role
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(getattr(users, role))

    response = client.get(reverse("measures:key-figures"))

    context = {name: response.context[name] for name in ("rows", "can_enter")}
    rows = table_body(response)
    assert rows == loop_rendered(
        ROWS.replace("{% load i18n %}", "{% load i18n humanize %}"), context, language
    )
    if role == "ministry":
        assert "Jobcenter &lt;Rhein&gt; &amp; &quot;Ruhr&quot;" in rows
        assert ("12,345" if language == "en" else "12.345") in rows
    else:
        assert response.context["can_enter"]
        assert "/kennzahlen/" in rows and ("correct" if language == "en" else "korrigieren") in rows


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_sums_show_the_cells_the_included_template_showed(client, users, figures, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users.ministry)

    response = client.get(reverse("measures:key-figures"))

    html = response.content.decode()
    footer = tags_only(html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0])
    sums = loop_rendered(SUMS, {"sums": response.context["sums"]}, language)
    assert sums in footer
    by_year = tags_only(html.split('id="key-figures-tabelle-2"', 1)[1].split("</tbody>", 1)[0])
    for row in response.context["by_year"]:
        assert loop_rendered(SUMS, {"sums": row}, language) in by_year
