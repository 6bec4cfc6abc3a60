"""The circulars list's rows, written in Python in one pass
(``circulars.templatetags.circular_table``), show what the template loop they replace
showed: the same markup, cell for cell, in German and in English, with a subject to escape,
a draft without a number and final ones with theirs.

The loop is kept here as it was in the template: the reference."""

import re

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

CIRCULAR_ROWS = """{% for circular in page.object_list %}
        <tr>
          <td>{{ circular.number|default:"–" }}</td>
          <td><time datetime="{{ circular.day_iso }}">{{ circular.day }}</time></td>
          <th scope="row" class="fw-normal">\
<a href="{{ circular.url }}">{{ circular.subject }}</a></th>
          <td>{{ circular.status }}</td>
        </tr>{% endfor %}"""


def _tags_only(html):
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_circulars_list_shows_the_rows_the_template_loop_showed(
    client, users, nrw, accession_world, language
):
    factories.CircularFactory(association=nrw.staedtetag, subject='Frist <bald> & "dringend"')
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users.staedtetag)

    response = client.get(reverse("circulars:list"))

    html = response.content.decode()
    rows = _tags_only(html.split("<tbody>", 1)[1].split("</tbody>", 1)[0])
    with translation.override(language):
        reference = (
            engines["django"].from_string(CIRCULAR_ROWS).render({"page": response.context["page"]})
        )
    assert "Frist &lt;bald&gt; &amp; &quot;dringend&quot;" in rows
    assert "<td>–</td>" in rows  # the drafts
    assert ("Draft" if language == "en" else "Entwurf") in rows
    assert rows.count("<tr>") == 3  # the Städtetag's own
    assert rows == _tags_only(reference)
