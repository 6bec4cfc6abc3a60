"""The catalogue's cards, written in Python in one pass
(``measures.templatetags.catalogue_cards``), show what the template loop they replace
showed: the same markup, card for card, in German and in English, with a title and a
jobcenter to escape, a description with marks, one cut after 30 words, and none at all.

The loop is kept here as it was in the template: the reference."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.table_rows import loop_rendered, tags_only

pytestmark = pytest.mark.django_db

CARDS = """{% load markup %}{% for section in sections %}{% for measure in section.measures %}
        <li class="col-md-6"><article class="card h-100"><div class="card-body">
          <h3 class="h5"><a href="{{ measure.url }}">{{ measure.title }}</a></h3>
          <p class="mb-1">{{ measure.jobcenter }}</p>
          {% if measure.description %}<p class="mb-0 text-body-secondary">\
{{ measure.description|markup_text|truncatewords:30 }}</p>{% endif %}
        </div></article></li>{% endfor %}{% endfor %}"""


def _cards(html):
    """The page's lists of cards, joined."""
    return "".join(
        tags_only(part.split("</ul>", 1)[0])
        for part in html.split('<ul class="list-unstyled row g-3">')[1:]
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_catalogue_shows_the_cards_the_template_loop_showed(
    client, nrw, accession_world, language
):
    odd = factories.JobcenterFactory(name='Jobcenter <Rhein> & "Ruhr"')
    for title, description in [
        ("Beratung <inklusiv> & barrierefrei", "**Gezielt** beraten:\n- vor Ort\n- online"),
        ("Lange Beschreibung", " ".join(f"Wort{number} & <mehr>" for number in range(40))),
        ("Ohne Beschreibung", ""),
    ]:
        factories.MeasureFactory(
            jobcenter=odd,
            agreement=nrw.agreement,
            action_field=accession_world.action_field,
            title=title,
            description=description,
            published=True,
        )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(reverse("catalogue:list"))

    cards = _cards(response.content.decode())
    assert "Beratung &lt;inklusiv&gt; &amp; barrierefrei" in cards
    assert "Jobcenter &lt;Rhein&gt; &amp; &quot;Ruhr&quot;" in cards
    assert "Gezielt beraten: vor Ort online" in cards
    assert "Wort9 &amp; &lt;mehr&gt; …</p>" in cards  # 30 words: ten of three
    assert cards.count("<article") == 4  # with the world's published measure
    assert cards == loop_rendered(CARDS, {"sections": response.context["sections"]}, language)
