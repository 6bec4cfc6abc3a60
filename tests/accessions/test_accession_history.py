"""The accession page's history: whatever the services record, the page shows it."""

import pytest
from django.urls import reverse

from agreements.models import ActionField
from tests import factories
from tests.accessions.test_accession_views import _edit_data


@pytest.mark.parametrize("viewer", ["kreis_manager", "ministry"])
def test_a_second_planned_measure_keeps_the_accession_page_open(
    client, users, accession_world, viewer
):
    draft = accession_world.draft
    client.force_login(users.kreis_manager)
    edit = reverse("accessions:edit", args=[draft.pk])
    data = _edit_data(draft)
    client.post(edit, data)
    first_field = ActionField.objects.get(pk=data["massnahmen-0-action_field"])
    second_field = factories.ActionFieldFactory(agreement=draft.agreement)
    data["massnahmen-1-action_field"] = str(second_field.pk)
    data["massnahmen-1-title"] = "Jobcoaching im Betrieb"
    data["massnahmen-INITIAL_FORMS"] = "1"  # as the page renders it: one measure so far
    assert client.post(edit, data).status_code == 302
    assert draft.planned_measures.count() == 2

    client.force_login(getattr(users, viewer))
    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert (
        f"Geplante Maßnahmen: „Schulung der Integrationsfachkräfte ({first_field})“ → "
        f"„Schulung der Integrationsfachkräfte ({first_field})<br>"
        f"Jobcoaching im Betrieb ({second_field})“"
    ) in response.text
