import datetime

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from circulars import services
from circulars.models import AttachmentDocument, Circular
from circulars.selectors import uploaded_attachments_size
from circulars.services import CIRCULAR_FIELDS
from core.dates import GermanDateField, today
from core.pdf_uploads import ATTACHMENT_MAX_PAGES, MAX_OBJECTS, PdfUploadField
from core.text import CleanTextMixin


def within_a_year():
    """The latest date a circular can carry: a letter is dated for now, not years ahead."""
    return today() + datetime.timedelta(days=366)


class CircularForm(CleanTextMixin, forms.ModelForm):
    """A circular as its association writes it; the number comes when it is finalised."""

    class Meta:
        model = Circular
        fields = CIRCULAR_FIELDS
        field_classes = {"date": GermanDateField}
        widgets = {
            "addressees": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }
        error_messages = {
            "date": {
                "required": _("Bitte geben Sie das Datum des Rundschreibens an."),
                "too_late": _(
                    "Ein Rundschreiben trägt das Datum, an dem es verschickt wird: "
                    "höchstens ein Jahr im Voraus, bis zum %(limit)s."
                ),
            },
            "addressees": {"required": _("Bitte geben Sie an, an wen es sich richtet.")},
            "subject": {"required": _("Bitte geben Sie den Betreff an.")},
            "body": {"required": _("Bitte schreiben Sie den Text des Rundschreibens.")},
            "salutation": {"required": _("Bitte geben Sie die Anrede an.")},
            "closing": {"required": _("Bitte geben Sie die Grußformel an.")},
            "signer_name": {"required": _("Bitte geben Sie an, wer unterzeichnet.")},
            "signer_email": {"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = _("TT.MM.JJJJ; das Jahr bestimmt die Nummer.")
        self.fields["date"].latest = within_a_year


class AttachmentForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        label=_("Bezeichnung der Anlage"),
        max_length=200,
        required=False,
        help_text=_(
            "z. B. „Rahmenvereinbarung“ oder „Schreiben des Ministeriums“; leer gelassen gilt "
            "der Dateiname."
        ),
    )
    file = PdfUploadField(
        label=format_lazy(
            _("Datei (PDF, höchstens 10 MB und {pages} Seiten)"), pages=ATTACHMENT_MAX_PAGES
        ),
        max_pages=ATTACHMENT_MAX_PAGES,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Bitte wählen Sie die PDF-Datei der Anlage.")},
    )

    def __init__(self, *args, circular=None, **kwargs):
        super().__init__(*args, **kwargs)
        # With the circular, the upload is also judged with the attachments it already has.
        self.circular = circular

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and self.circular is not None:
            self._check_with_other_attachments(upload)
        if upload and not cleaned.get("title"):
            # Without a title the upload would be lost for one missing word: name it after
            # its file instead, which the user can see in the list and change by re-uploading.
            stem = upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            cleaned["title"] = stem.replace("_", " ").strip()[:200] or _("Anlage")
        return cleaned

    def _check_with_other_attachments(self, upload):
        if self.circular.attachments.count() >= services.MAX_ATTACHMENTS:
            self.add_error("file", str(services.too_many_attachments_error()))
            return
        pages, objects = uploaded_attachments_size(self.circular)
        pages += upload.pdf_facts.pages
        if pages > ATTACHMENT_MAX_PAGES:
            self.add_error(
                "file",
                _(
                    "Mit dieser Datei hätten die hochgeladenen Anlagen des Rundschreibens "
                    "zusammen %(pages)d Seiten; erlaubt sind höchstens %(most)d."
                )
                % {"pages": pages, "most": ATTACHMENT_MAX_PAGES},
            )
        elif objects + upload.pdf_facts.objects > MAX_OBJECTS:
            self.add_error(
                "file",
                _(
                    "Mit dieser Datei wären die hochgeladenen Anlagen des Rundschreibens "
                    "zusammen zu umfangreich (mehr als %(most)d Objekte). Bitte speichern Sie "
                    "die Datei neu, etwa über „Drucken als PDF“."
                )
                % {"most": MAX_OBJECTS},
            )


class DocumentAttachmentForm(CleanTextMixin, forms.Form):
    """A document the system makes about one of the association's agreements."""

    document = forms.ChoiceField(
        label=_("Dokument"),
        choices=[("", _("bitte wählen")), *AttachmentDocument.choices],
        error_messages={"required": _("Bitte wählen Sie das Dokument.")},
    )
    agreement = forms.ModelChoiceField(
        label=_("Vereinbarung"),
        queryset=None,
        empty_label=_("bitte wählen"),
        error_messages={
            "required": _("Bitte wählen Sie die Vereinbarung."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Vereinbarungen."),
        },
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, prefix="dokument", **kwargs)
        self.fields["agreement"].queryset = agreements
