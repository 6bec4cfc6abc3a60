"""The rows of the lists of jobcenters, written in Python in one pass
(``jobcenters.templatetags.jobcenter_table``), show what the template loops they replace
showed: the same markup, cell for cell, in German and in English, with a name to escape, a
jobcenter of no association, one with an accession to link and one without.

The loops are kept here as they were in the templates: the reference."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Organisation, State
from tests import factories
from tests.table_rows import loop_rendered, table_body

pytestmark = pytest.mark.django_db

REGISTRY_ROWS = """{% for jobcenter in page %}
      <tr>
        <th scope="row"><a href="{{ jobcenter.url }}">{{ jobcenter.name }}</a></th>
        <td>{{ jobcenter.region }}</td>
        <td>{{ jobcenter.region_kind }}</td>
        <td><abbr title="{{ jobcenter.form_label }}">{{ jobcenter.form }}</abbr></td>
        <td>{{ jobcenter.association_name }}</td>
      </tr>{% endfor %}"""

STANDING_ROWS = """{% for jobcenter in page %}
      <tr>
        <th scope="row"><a href="{{ jobcenter.url }}">{{ jobcenter.name }}</a></th>
        <td>{{ jobcenter.region_kind }}</td>
        <td><abbr title="{{ jobcenter.form_label }}">{{ jobcenter.form }}</abbr></td>
        <td>{{ jobcenter.association_name }}</td>
        <td>{% if jobcenter.accession_url %}<a href="{{ jobcenter.accession_url }}">\
{{ jobcenter.standing }}<span class="visually-hidden"> – {{ jobcenter.name }}</span></a>\
{% else %}{{ jobcenter.standing }}{% endif %}</td>
        <td>{{ jobcenter.joined_on }}</td>
      </tr>{% endfor %}"""


@pytest.fixture
def varied(accession_world, nrw):
    """A name to escape, with an accession; the world's other jobcenters without one, and
    the Kreise's of no association (their Landkreistag moved to Berlin)."""
    odd = factories.JobcenterFactory(name='Jobcenter <Rhein> & "Ruhr"', region="Köln & <Umland>")
    factories.AccessionFactory(jobcenter=odd, agreement=nrw.agreement, joined=True)
    Organisation.objects.filter(pk=nrw.landkreistag.pk).update(state=State.BE)
    return odd


@pytest.fixture(params=["de", "en"])
def page(request, client, users):
    """``page(url, reference)``: the ministry's list in one language, and the reference
    loop over the same rows in that language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    client.force_login(users.ministry)

    def get(url, reference):
        response = client.get(url)
        assert f'lang="{request.param}"' in response.content.decode()
        context = {"page": response.context["page"]}
        return table_body(response), loop_rendered(reference, context, request.param)

    get.language = request.param
    return get


def test_the_registry_shows_the_rows_the_template_loop_showed(page, varied):
    rows, reference = page(reverse("jobcenters:list"), REGISTRY_ROWS)

    assert "Jobcenter &lt;Rhein&gt; &amp; &quot;Ruhr&quot;" in rows
    assert "<td>–</td>" in rows
    assert rows.count("<tr>") == 5
    assert rows == reference


def test_where_the_jobcenters_stand_shows_the_rows_the_template_loop_showed(page, varied, nrw):
    rows, reference = page(reverse("accessions:jobcenters", args=[nrw.agreement.pk]), STANDING_ROWS)

    assert ("Draft" if page.language == "en" else "Entwurf") in rows
    assert '<span class="visually-hidden"> – Jobcenter &lt;Rhein&gt;' in rows
    assert rows.count("<tr>") == 5
    assert rows == reference


def test_a_list_of_no_jobcenters_says_so(client, users):
    client.force_login(users.ministry)

    response = client.get(reverse("jobcenters:list"), {"q": "gibt es nicht"})

    assert "Kein Jobcenter passt zu diesen Filtern." in table_body(response)
