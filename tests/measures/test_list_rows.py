"""The measures list's rows, written in Python in one pass
(``measures.templatetags.measure_table``), show what the template loop they replace
showed: the same markup, cell for cell, in German and in English, with a title and a
jobcenter to escape and every status and publication the world's measures have.

The loop is kept here as it was in the template: the reference."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.table_rows import loop_rendered, table_body

pytestmark = pytest.mark.django_db

MEASURE_ROWS = """{% load i18n %}{% translate "HF" as action_field_abbreviation %}\
{% for measure in page %}
      <tr>
        <th scope="row"><a href="{{ measure.url }}">{{ measure.title }}</a></th>
        <td>{{ measure.jobcenter }}</td>
        <td><abbr title="{{ measure.action_field_title }}">\
{{ action_field_abbreviation }} {{ measure.action_field_number }}</abbr></td>
        <td>{{ measure.status }}</td>
        <td>{{ measure.starts_on }}</td>
        <td>{{ measure.publication }}</td>
      </tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_measures_list_shows_the_rows_the_template_loop_showed(
    client, users, nrw, accession_world, language
):
    odd = factories.JobcenterFactory(name='Jobcenter <Rhein> & "Ruhr"')
    factories.MeasureFactory(
        jobcenter=odd,
        agreement=nrw.agreement,
        action_field=factories.ActionFieldFactory(
            agreement=nrw.agreement, number=12, title='Übergänge <„gestalten“> & "mehr"'
        ),
        title="Beratung <inklusiv> & barrierefrei",
        status="planned",
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users.ministry)

    response = client.get(reverse("measures:list"))

    rows = table_body(response)
    assert "Beratung &lt;inklusiv&gt; &amp; barrierefrei" in rows
    assert "Jobcenter &lt;Rhein&gt; &amp; &quot;Ruhr&quot;" in rows
    assert ("AF 12" if language == "en" else "HF 12") in rows
    assert rows.count("<tr>") == 4
    assert rows == loop_rendered(MEASURE_ROWS, {"page": response.context["page"]}, language)


def test_a_list_of_no_measures_says_so(client, users):
    client.force_login(users.ministry)

    response = client.get(reverse("measures:list"), {"q": "gibt es nicht"})

    assert "Keine Maßnahme passt zu diesen Filtern." in response.content.decode()
