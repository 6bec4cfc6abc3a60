"""The content check for the signed accession form, against a corpus of hostile files.

Every file is built here in code (with pikepdf for the PDFs), so the corpus needs no binary
fixtures and each case shows exactly what makes it hostile.
"""

import io
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jobcenters.uploads import (
    MAX_SIGNED_FORM_BYTES,
    SignedPdfField,
    check_signed_pdf,
    signed_form_name,
)

# --- building the corpus ---------------------------------------------------------------------


def one_page_pdf():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def pdf_bytes(pdf=None, **save_options):
    pdf = pdf or one_page_pdf()
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def javascript_action(pdf):
    return pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1);"))
    )


def uri_action():
    return pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))


def with_link_annotation(pdf, action):
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Link,
                        Rect=pikepdf.Array([0, 0, 100, 100]),
                        A=action,
                    )
                )
            ]
        )
    )
    return pdf


def pdf_of_size(size):
    """A valid PDF of exactly `size` bytes, padded with an uncompressed stream."""
    pdf = one_page_pdf()
    pdf.Root.Padding = pdf.make_stream(b"")
    data = pdf_bytes(pdf, compress_streams=False)
    while len(data) != size:
        padding = pdf.Root.Padding.read_bytes()
        pdf.Root.Padding.write(b"0" * (len(padding) + size - len(data)))
        data = pdf_bytes(pdf, compress_streams=False)
    return data


def html_named_pdf():
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def zip_named_pdf():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("form.pdf", pdf_bytes())
    return buffer.getvalue()


def pdf_html_polyglot():
    # A browser renders this as HTML; a PDF reader finds the PDF within the first 1024 bytes.
    return b"<html><!--\n" + pdf_bytes() + b"\n--><script>alert(1)</script></html>"


def pdf_header_in_the_first_kilobyte():
    return b"\n" * 10 + pdf_bytes()


def encrypted_with_password():
    return pdf_bytes(encryption=pikepdf.Encryption(owner="o", user="u"))


def encrypted_without_user_password():
    # Opens without a password, but is still encrypted (and so cannot be checked or archived).
    return pdf_bytes(encryption=pikepdf.Encryption(owner="o", user=""))


def javascript_in_names_tree():
    pdf = one_page_pdf()
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("init"), javascript_action(pdf)])
        )
    )
    return pdf_bytes(pdf)


def javascript_in_object_stream():
    # The same script, but compressed inside an object stream where a byte scan misses it.
    pdf = one_page_pdf()
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("init"), javascript_action(pdf)])
        )
    )
    data = pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"/JavaScript" not in data
    return data


def open_action_with_javascript():
    pdf = one_page_pdf()
    pdf.Root.OpenAction = javascript_action(pdf)
    return pdf_bytes(pdf)


def open_action_with_uri():
    pdf = one_page_pdf()
    pdf.Root.OpenAction = uri_action()
    return pdf_bytes(pdf)


def document_additional_actions():
    pdf = one_page_pdf()
    pdf.Root.AA = pikepdf.Dictionary(WC=uri_action())
    return pdf_bytes(pdf)


def page_additional_actions():
    pdf = one_page_pdf()
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=uri_action())
    return pdf_bytes(pdf)


def link_with_javascript():
    pdf = one_page_pdf()
    return pdf_bytes(with_link_annotation(pdf, javascript_action(pdf)))


def link_with_bare_script():
    # A script without "/S /JavaScript": lenient readers still run the /JS entry.
    pdf = one_page_pdf()
    return pdf_bytes(with_link_annotation(pdf, pikepdf.Dictionary(JS=pikepdf.String("1;"))))


def link_with_launch():
    pdf = one_page_pdf()
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    return pdf_bytes(with_link_annotation(pdf, launch))


def embedded_file():
    pdf = one_page_pdf()
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00", filename="invoice.exe"
    )
    return pdf_bytes(pdf)


def file_attachment_annotation():
    # Only the annotation: its file specification points outside, nothing is embedded.
    pdf = one_page_pdf()
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.FileAttachment,
                    Rect=pikepdf.Array([0, 0, 20, 20]),
                    FS=pikepdf.Dictionary(
                        Type=pikepdf.Name.Filespec, F=pikepdf.String("invoice.exe")
                    ),
                )
            ]
        )
    )
    return pdf_bytes(pdf)


def xfa_form():
    pdf = one_page_pdf()
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array(),
        XFA=pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"),
    )
    return pdf_bytes(pdf)


def oversize():
    return b"%PDF-1.7\n" + b"0" * (MAX_SIGNED_FORM_BYTES + 1 - len(b"%PDF-1.7\n"))


def empty():
    return b""


def garbage_after_header():
    return b"%PDF-1.7\n" + b"this is not a PDF body\n" * 50


def truncated_pdf():
    data = pdf_bytes()
    return data[: len(data) // 2]


def header_only():
    return b"%PDF-"


HOSTILE = [
    pytest.param("form.pdf", html_named_pdf, "not_pdf", id="html-named-pdf"),
    pytest.param("form.pdf", zip_named_pdf, "not_pdf", id="zip-named-pdf"),
    pytest.param("form.pdf", pdf_html_polyglot, "not_pdf", id="pdf-html-polyglot"),
    pytest.param("form.pdf", pdf_header_in_the_first_kilobyte, "not_pdf", id="header-not-at-0"),
    pytest.param("form.pdf", encrypted_with_password, "encrypted", id="encrypted-user-password"),
    pytest.param(
        "form.pdf", encrypted_without_user_password, "encrypted", id="encrypted-no-user-password"
    ),
    pytest.param("form.pdf", javascript_in_names_tree, "javascript", id="javascript-names-tree"),
    pytest.param(
        "form.pdf", javascript_in_object_stream, "javascript", id="javascript-object-stream"
    ),
    pytest.param("form.pdf", open_action_with_javascript, "javascript", id="openaction-javascript"),
    pytest.param("form.pdf", open_action_with_uri, "automatic_action", id="openaction-uri"),
    pytest.param("form.pdf", document_additional_actions, "automatic_action", id="document-aa"),
    pytest.param("form.pdf", page_additional_actions, "automatic_action", id="page-aa"),
    pytest.param("form.pdf", link_with_javascript, "javascript", id="annotation-javascript"),
    pytest.param("form.pdf", link_with_bare_script, "javascript", id="annotation-bare-js"),
    pytest.param("form.pdf", link_with_launch, "launch", id="launch-action"),
    pytest.param("form.pdf", embedded_file, "embedded_file", id="embedded-file"),
    pytest.param(
        "form.pdf", file_attachment_annotation, "embedded_file", id="file-attachment-annotation"
    ),
    pytest.param("form.pdf", xfa_form, "xfa", id="xfa-form"),
    pytest.param("form.pdf", oversize, "too_large", id="oversize"),
    pytest.param("form.pdf", empty, "empty", id="empty"),
    pytest.param("form.pdf", garbage_after_header, "unreadable", id="garbage-after-header"),
    pytest.param("form.pdf", truncated_pdf, "unreadable", id="truncated"),
    pytest.param("form.pdf", header_only, "unreadable", id="header-only"),
    pytest.param("../../etc/passwd.pdf", javascript_in_names_tree, "javascript", id="dotdot-js"),
    pytest.param("form.pdf.exe", html_named_pdf, "not_pdf", id="double-extension-html"),
]


def upload(name, content, content_type="application/pdf"):
    # The Content-Type claims PDF throughout: the check must not believe it.
    return SimpleUploadedFile(name, content, content_type)


# --- the check -------------------------------------------------------------------------------


def test_a_plain_one_page_pdf_passes():
    check_signed_pdf(upload("form.pdf", pdf_bytes()))


def test_a_pdf_with_an_ordinary_link_passes():
    pdf = one_page_pdf()
    check_signed_pdf(upload("form.pdf", pdf_bytes(with_link_annotation(pdf, uri_action()))))


def test_a_pdf_of_exactly_the_maximum_size_is_not_refused_for_its_size():
    data = pdf_of_size(MAX_SIGNED_FORM_BYTES)

    assert len(data) == MAX_SIGNED_FORM_BYTES
    check_signed_pdf(upload("form.pdf", data))


@pytest.mark.parametrize(("name", "build", "code"), HOSTILE)
def test_a_hostile_file_is_refused_for_the_right_reason(name, build, code):
    with pytest.raises(ValidationError) as refused:
        check_signed_pdf(upload(name, build()))

    assert refused.value.code == code


def test_the_hostile_corpus_covers_the_cases_of_the_issue():
    assert len(HOSTILE) >= 10


def test_the_size_is_checked_before_the_content_is_read():
    uploaded = upload("form.pdf", pdf_bytes())
    uploaded.size = MAX_SIGNED_FORM_BYTES + 1

    with pytest.raises(ValidationError) as refused:
        check_signed_pdf(uploaded)

    assert refused.value.code == "too_large"


def test_a_refusal_names_the_reason_in_german():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        check_signed_pdf(upload("form.pdf", open_action_with_javascript()))

    assert refused.value.messages == [
        "Das PDF enthält JavaScript. Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
    ]


def test_an_encrypted_pdf_is_refused_with_the_password_message():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        check_signed_pdf(upload("form.pdf", encrypted_with_password()))

    assert refused.value.messages == [
        "Das PDF ist verschlüsselt. Bitte laden Sie es ohne Kennwortschutz hoch."
    ]


def test_the_file_is_back_at_its_start_after_a_passing_check():
    uploaded = upload("form.pdf", pdf_bytes())

    check_signed_pdf(uploaded)

    assert uploaded.tell() == 0


@pytest.mark.parametrize("build", [html_named_pdf, embedded_file, truncated_pdf])
def test_the_file_is_back_at_its_start_after_a_refusal(build):
    uploaded = upload("form.pdf", build())

    with pytest.raises(ValidationError):
        check_signed_pdf(uploaded)

    assert uploaded.tell() == 0


def test_a_valid_pdf_with_a_path_in_its_name_passes_the_check():
    check_signed_pdf(upload("../../etc/passwd.pdf", pdf_bytes()))


def test_a_valid_pdf_with_a_double_extension_passes_the_check():
    check_signed_pdf(upload("form.pdf.exe", pdf_bytes(), "application/x-msdownload"))


# --- the stored name -------------------------------------------------------------------------


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


# --- the form field --------------------------------------------------------------------------


def test_the_field_accepts_a_plain_pdf():
    uploaded = upload("form.pdf", pdf_bytes())

    assert SignedPdfField().clean(uploaded) is uploaded


def test_the_field_shows_the_german_reason_for_a_hostile_file():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        SignedPdfField().clean(upload("form.pdf", embedded_file()))

    assert refused.value.code == "embedded_file"
    assert refused.value.messages[0].startswith("Das PDF enthält eingebettete Dateien.")


def test_the_field_refuses_an_empty_file_in_german():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        SignedPdfField().clean(upload("form.pdf", b""))

    assert refused.value.messages == ["Die Datei ist leer."]


def test_the_field_asks_for_the_file_in_german_when_none_is_sent():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        SignedPdfField().clean(None)

    assert refused.value.code == "required"
    assert refused.value.messages == ["Bitte laden Sie das unterschriebene Beitrittsformular hoch."]


def test_the_field_offers_only_pdf_files_in_the_file_picker():
    assert SignedPdfField().widget.attrs["accept"] == "application/pdf,.pdf"


def test_the_field_has_a_german_label():
    with translation.override("de"):
        assert str(SignedPdfField().label) == "Unterschriebenes Beitrittsformular (PDF)"
