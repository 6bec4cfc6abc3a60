"""Where a signed accession form is stored: a name of the system's, never the uploader's."""

from accessions.uploads import signed_form_name


def test_the_stored_name_drops_a_path_from_the_uploaded_name():
    name = signed_form_name(None, "../../x.pdf")

    assert name.startswith("signed-forms/")
    assert ".." not in name
    assert "/" not in name.removeprefix("signed-forms/")
    assert name.endswith(".pdf")


def test_the_stored_name_drops_a_double_extension():
    name = signed_form_name(None, "form.pdf.exe")

    assert name.endswith(".pdf")
    assert ".exe" not in name
    assert "form" not in name.removeprefix("signed-forms/")


def test_the_stored_name_is_new_for_each_upload():
    assert signed_form_name(None, "form.pdf") != signed_form_name(None, "form.pdf")
