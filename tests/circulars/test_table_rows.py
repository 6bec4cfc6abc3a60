"""The circulars list's rows, written in Python in one pass
(``circulars.templatetags.circular_table``), show what the template loop they replace
showed: the same markup, cell for cell, in German and in English, with a subject to escape,
a draft without a number and final ones with theirs.

The loop is kept here as it was in the template: the reference."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.table_rows import loop_rendered, table_body

pytestmark = pytest.mark.django_db

CIRCULAR_ROWS = """{% for circular in page.object_list %}
        <tr>
          <td>{{ circular.number|default:"–" }}</td>
          <td><time datetime="{{ circular.day_iso }}">{{ circular.day }}</time></td>
          <th scope="row" class="fw-normal">\
<a href="{{ circular.url }}">{{ circular.subject }}</a></th>
          <td>{{ circular.status }}</td>
        </tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_circulars_list_shows_the_rows_the_template_loop_showed(
    client, users, nrw, accession_world, language
):
    factories.CircularFactory(association=nrw.staedtetag, subject='Frist <bald> & "dringend"')
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users.staedtetag)

    response = client.get(reverse("circulars:list"))

    rows = table_body(response)
    assert "Frist &lt;bald&gt; &amp; &quot;dringend&quot;" in rows
    assert "<td>–</td>" in rows  # the drafts
    assert ("Draft" if language == "en" else "Entwurf") in rows
    assert rows.count("<tr>") == 3  # the Städtetag's own
    assert rows == loop_rendered(CIRCULAR_ROWS, {"page": response.context["page"]}, language)
