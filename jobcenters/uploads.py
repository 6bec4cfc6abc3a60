"""The content check for a jobcenter's signed accession form (an uploaded PDF).

The file is judged by what it contains, never by its name or the Content-Type the browser
sends: both are chosen by the uploader. A form is accepted only when it is a plain PDF that
pikepdf can read, at most 10 MB, not encrypted, and free of active content (JavaScript,
automatic actions, Launch actions, embedded files, XFA forms) that could run in the viewer
of the person who later opens it.
"""

from uuid import uuid4

import pikepdf
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_SIGNED_FORM_BYTES = 10 * 1024 * 1024

PDF_HEADER = b"%PDF-"

# The reasons for refusing active content, most specific first: a file with several of them
# always gets the same message, whichever object the walk happens to meet first.
ACTIVE_CONTENT_ORDER = ("javascript", "launch", "embedded_file", "xfa", "automatic_action")


def active_content_message(code):
    """The German message for one kind of active content."""
    messages = {
        "javascript": _(
            "Das PDF enthält JavaScript. Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "launch": _(
            "Das PDF enthält eine Aktion, die andere Programme startet. "
            "Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
        "embedded_file": _(
            "Das PDF enthält eingebettete Dateien. "
            "Bitte laden Sie eine Fassung ohne Dateianhänge hoch."
        ),
        "xfa": _(
            "Das PDF enthält ein XFA-Formular. "
            "Bitte drucken Sie das Formular als einfaches PDF und laden Sie dieses hoch."
        ),
        "automatic_action": _(
            "Das PDF enthält Aktionen, die beim Öffnen oder Anzeigen automatisch ausgeführt "
            "werden. Bitte laden Sie eine Fassung ohne aktive Inhalte hoch."
        ),
    }
    return messages[code]


def check_signed_pdf(uploaded_file) -> None:
    """Refuse the upload with a German ValidationError unless it is a harmless PDF.

    Leaves the file positioned at its start, so the caller can save it right away.
    """
    # The size comes from the upload handler; checking it first means an oversized file is
    # refused without reading any of it.
    if not uploaded_file.size:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if uploaded_file.size > MAX_SIGNED_FORM_BYTES:
        raise ValidationError(_("Die Datei ist größer als 10 MB."), code="too_large")

    # PDF readers accept the header anywhere in the first 1024 bytes. We insist on offset 0:
    # a file that starts with "<html>" and hides a PDF further on is a polyglot that a browser
    # would render as a web page, and no honest PDF writer puts anything before the header.
    uploaded_file.seek(0)
    if uploaded_file.read(len(PDF_HEADER)) != PDF_HEADER:
        uploaded_file.seek(0)
        raise ValidationError(_("Die Datei ist kein PDF."), code="not_pdf")

    uploaded_file.seek(0)
    try:
        found = find_active_content(uploaded_file)
    finally:
        uploaded_file.seek(0)
    if found:
        raise ValidationError(active_content_message(found), code=found)


def find_active_content(stream):
    """Open the PDF in `stream` and return the code of its worst active content, or None."""
    try:
        # No recovery of damaged files: if qpdf has to guess at the structure, a PDF viewer
        # may guess differently and see objects that our walk never looked at.
        with pikepdf.open(stream, attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                raise ValidationError(encrypted_message(), code="encrypted")
            found = set()
            for obj in pdf.objects:
                found |= active_content_in(obj)
    except pikepdf.PasswordError:
        # Raised when the file needs a user password just to be opened.
        raise ValidationError(encrypted_message(), code="encrypted") from None
    except pikepdf.PdfError:
        raise ValidationError(
            _(
                "Die Datei ist kein lesbares PDF. Sie ist beschädigt oder unvollständig. "
                "Bitte speichern Sie das PDF neu und laden Sie es noch einmal hoch."
            ),
            code="unreadable",
        ) from None
    return next((code for code in ACTIVE_CONTENT_ORDER if code in found), None)


def encrypted_message():
    """The German message for an encrypted PDF (two code paths lead to it)."""
    return _("Das PDF ist verschlüsselt. Bitte laden Sie es ohne Kennwortschutz hoch.")


def active_content_in(obj):
    """The codes of the active content in one indirect object and its direct parts.

    Indirect children are left out: `pdf.objects` visits each of them on its own, and
    skipping them keeps the walk finite even when objects refer to each other in a circle.
    """
    found = set()
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, pikepdf.Stream | pikepdf.Dictionary):
            found |= dictionary_findings(current)
            children = [value for _key, value in current.items()]
        elif isinstance(current, pikepdf.Array):
            children = list(current)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect
        )
    return found


def dictionary_findings(dictionary):
    """The codes for the keys and values of one dictionary (or stream dictionary)."""
    keys = set(dictionary.keys())
    action = dictionary.get("/S")
    kind = dictionary.get("/Type")
    subtype = dictionary.get("/Subtype")
    found = set()
    # /JS holds the script of a JavaScript action; /JavaScript names the document-level
    # scripts in the /Names tree, which run when the document opens.
    if keys & {"/JS", "/JavaScript"} or action == pikepdf.Name.JavaScript:
        found.add("javascript")
    if action == pikepdf.Name.Launch:
        found.add("launch")
    # /EmbeddedFiles is the name tree of attachments, /EF the file inside a file
    # specification; the stream itself has /Type /EmbeddedFile.
    if (
        keys & {"/EmbeddedFiles", "/EF"}
        or kind == pikepdf.Name.EmbeddedFile
        or subtype == pikepdf.Name.FileAttachment
    ):
        found.add("embedded_file")
    if "/XFA" in keys:
        found.add("xfa")
    # /OpenAction runs when the document opens; /AA ("additional actions") runs on page,
    # field or annotation events, without the reader clicking anything.
    if keys & {"/OpenAction", "/AA"}:
        found.add("automatic_action")
    return found


def signed_form_name(instance, filename) -> str:
    """An `upload_to` callable: a random name, ignoring the uploader's file name entirely.

    The name the browser sends may contain "../" or a second extension ("form.pdf.exe");
    none of it reaches the disk. The "signed-forms/" prefix lies inside MEDIA_ROOT, which
    must not be a served path: the files are only handed out by a view that checks access.
    """
    return f"signed-forms/{uuid4().hex}.pdf"


class SignedPdfField(forms.FileField):
    """A file field for the signed accession form that accepts only a harmless PDF."""

    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})
    default_error_messages = {
        "required": gettext_lazy("Bitte laden Sie das unterschriebene Beitrittsformular hoch."),
        "empty": gettext_lazy("Die Datei ist leer."),
        "invalid": gettext_lazy("Es wurde keine Datei übermittelt."),
        "missing": gettext_lazy("Es wurde keine Datei übermittelt."),
        "contradiction": gettext_lazy(
            "Bitte laden Sie entweder eine neue Datei hoch oder entfernen Sie die vorhandene, "
            "nicht beides."
        ),
    }

    def __init__(self, *, label=None, **kwargs):
        # Lazy, because the field is usually built when a form class is defined at import
        # time, before any request has chosen a language.
        if label is None:
            label = gettext_lazy("Unterschriebenes Beitrittsformular (PDF)")
        super().__init__(label=label, **kwargs)

    def clean(self, data, initial=None):
        cleaned = super().clean(data, initial)
        # Only a fresh upload is checked; a form that was stored earlier passed this check
        # when it was uploaded.
        if isinstance(cleaned, UploadedFile):
            check_signed_pdf(cleaned)
        return cleaned
