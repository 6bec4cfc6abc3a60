"""The worlds a module shares (``_worlds``, tests/conftest.py): each test finds them as made.

Both runs of the test check the worlds first and then change them, in the database and in
memory, and add a file; whichever runs second finds nothing of the first.
"""

import pytest
from django.core.files.base import ContentFile

from jobcenters.models import Jobcenter

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.mark.parametrize("run", [1, 2])
def test_a_test_finds_the_worlds_as_made_whatever_the_test_before_changed(
    run, nrw, users, accession_world, private_media, shared_world
):
    assert nrw.city_jobcenter.name == "Jobcenter Düsseldorf"
    assert Jobcenter.objects.get(pk=nrw.city_jobcenter.pk).name == "Jobcenter Düsseldorf"
    # One object where the worlds share it: the user's organisation is the world's jobcenter.
    assert users.city_manager.organisation is nrw.city_jobcenter
    assert not (private_media / f"run-{3 - run}.txt").exists()
    assert private_media != shared_world.media
    signed_form = accession_world.joined.signed_form
    assert signed_form and signed_form.storage.exists(signed_form.name)

    nrw.city_jobcenter.name = f"Jobcenter Düsseldorf, Lauf {run}"
    nrw.city_jobcenter.save()
    accession_world.joined.signed_form.storage.save(f"run-{run}.txt", ContentFile(b"x"))
    assert (private_media / f"run-{run}.txt").exists()
