"""Circulars of the associations, their letterheads and numbering, recipients and attachments."""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind
from core.choices import ChoiceLabels
from core.dates import EARLIEST_DATE, LATEST_DATE
from outbox.models import MailStatus, OutgoingEmail


def letterhead_logo_name(instance, filename) -> str:
    """A fixed name per association: the uploader's file name never reaches the disk."""
    return f"letterheads/{instance.association_id}.png"


class Letterhead(models.Model):
    """The head of an association's letters, set by an administrator."""

    association = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="letterhead",
        limit_choices_to={"kind": OrganisationKind.MUNICIPAL_ASSOCIATION},
        verbose_name=_("Verband"),
    )
    name = models.CharField(
        _("Name im Briefkopf"),
        max_length=200,
        help_text=_("Wie er oben auf jedem Rundschreiben steht."),
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    city = models.CharField(_("Ort"), max_length=100)
    phone = models.CharField(_("Telefon (Zentrale)"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Internetseite"), blank=True)
    logo = models.ImageField(
        _("Logo (PNG)"),
        upload_to=letterhead_logo_name,
        blank=True,
        help_text=_("Erscheint oben rechts; höchstens 2 MB."),
    )

    class Meta:
        verbose_name = _("Briefkopf")
        verbose_name_plural = _("Briefköpfe")
        constraints = [
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{5}$"),
                name="letterhead_postal_code_five_digits",
            ),
        ]

    def __str__(self):
        return self.name


class CircularCounter(models.Model):
    """Where an association's count of circulars stands in a year.

    Finalising a circular takes ``last_number + 1`` under a row lock; an administrator sets
    the starting point (the Landkreistag NRW was at 150 before circular 151/18).
    """

    association = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="circular_counters",
        limit_choices_to={"kind": OrganisationKind.MUNICIPAL_ASSOCIATION},
        verbose_name=_("Verband"),
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    last_number = models.PositiveIntegerField(
        _("letzte vergebene Nummer"),
        default=0,
        help_text=_("Das nächste abgeschlossene Rundschreiben erhält die folgende Nummer."),
    )

    class Meta:
        verbose_name = _("Rundschreiben-Zähler")
        verbose_name_plural = _("Rundschreiben-Zähler")
        ordering = ["association", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"], name="circular_counter_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="circular_counter_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.association.display_name} {self.year}: {self.last_number}"


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    FINAL = "final", _("abgeschlossen")


def genitive(name) -> str:
    """An association's name after "des": "Landkreistag NRW" becomes "Landkreistages NRW",
    "Hessischer Städtetag" becomes "Hessischen Städtetages"; other names stay as they are.
    """
    words = name.split()
    for index, word in enumerate(words):
        if word.endswith("tag"):
            words[index] = f"{word}es"
            if index > 0 and words[index - 1].endswith("er"):
                words[index - 1] = f"{words[index - 1][:-1]}n"
            break
    return " ".join(words)


def default_addressees(association) -> str:
    """The seed's addressee block: "An die / Mitglieder des / Landkreistages …".

    Staff can change the block.
    """
    return "An die\nMitglieder des\n" + genitive(association.name)


def number_label(number, year):
    """ "151/18": a circular's number and the last two digits of its year ("" for a draft)."""
    if number is None:
        return ""
    return f"{number}/{year % 100:02d}"


def number_with_association(number, year, association):
    """ "151/18 (Landkreistag NRW)", ``association`` the name it is shown by."""
    if number is None:
        return ""
    return _("%(number)s (%(association)s)") % {
        "number": number_label(number, year),
        "association": association,
    }


class Circular(ChoiceLabels, models.Model):
    """A numbered letter of an association to its members (Rundschreiben).

    A draft has no number; finalising (``circulars.services.circular_finalise``) gives it the
    next number of its association and year and freezes it.
    """

    association = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="circulars",
        verbose_name=_("Verband"),
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=CircularStatus.choices, default=CircularStatus.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    number = models.PositiveIntegerField(_("Nummer"), null=True, blank=True)
    date = models.DateField(_("Datum"))
    file_reference = models.CharField(
        _("Aktenzeichen"), max_length=60, blank=True, help_text=_("z. B. 50.05.02.3 DH/Schw")
    )
    addressees = models.TextField(
        _("Anschrift"),
        max_length=300,
        help_text=_("Eine Zeile je Zeile des Anschriftenfelds."),
    )
    subject = models.CharField(_("Betreff"), max_length=300)
    summary = models.TextField(
        _("Zusammenfassung"), max_length=2000, blank=True, help_text=_("Steht im Kasten.")
    )
    body = models.TextField(
        _("Text"),
        max_length=20000,
        help_text=_(
            "Absätze durch eine Leerzeile trennen. **fett**, *kursiv*; Zeilen mit „- “ werden "
            "zu einer Aufzählung, Zeilen mit „1. “ zu einer nummerierten Liste."
        ),
    )
    salutation = models.CharField(
        _("Anrede"), max_length=100, default="Sehr geehrte Damen und Herren,"
    )
    closing = models.CharField(_("Grußformel"), max_length=100, default="Mit freundlichen Grüßen")
    signature_line = models.CharField(
        _("Zeichnungszusatz"), max_length=60, blank=True, default="Im Auftrag"
    )
    signer_name = models.CharField(_("Unterzeichnet von"), max_length=120)
    signer_phone = models.CharField(_("Telefon (Durchwahl)"), max_length=40, blank=True)
    signer_email = models.EmailField(_("E-Mail der Unterzeichnerin/des Unterzeichners"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    finalised_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rundschreiben")
        verbose_name_plural = _("Rundschreiben")
        ordering = ["-year", "-number", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CircularStatus.values), name="circular_status_valid"
            ),
            # A number exactly when final: drafts are not counted.
            models.CheckConstraint(
                condition=(
                    Q(
                        status=CircularStatus.FINAL,
                        number__isnull=False,
                        year__isnull=False,
                        finalised_at__isnull=False,
                    )
                    | Q(status=CircularStatus.DRAFT, number__isnull=True, year__isnull=True)
                ),
                name="circular_number_when_final",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="circular_number_positive",
            ),
            models.UniqueConstraint(
                fields=["association", "year", "number"], name="circular_number_unique"
            ),
            # Only a final circular goes out.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(status=CircularStatus.FINAL),
                name="circular_sent_only_when_final",
            ),
            # The years the numbering counts (``circular_counter_year_plausible``).
            models.CheckConstraint(
                condition=Q(date__gte=EARLIEST_DATE, date__lte=LATEST_DATE),
                name="circular_date_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "status", "-created_at"]),
            # The list's order, newest first by the letter's date
            # (``circulars.views.circular_list``).
            models.Index(fields=["-date", "-id"], name="circular_date_id"),
        ]

    def __str__(self):
        if self.is_final:
            return _("Rundschreiben %(number)s: %(subject)s") % {
                "number": self.number_with_association,
                "subject": self.subject,
            }
        return _("Entwurf: %(subject)s") % {"subject": self.subject}

    def get_absolute_url(self):
        return reverse("circulars:detail", args=[self.pk])

    @property
    def is_final(self):
        return self.status == CircularStatus.FINAL

    @property
    def number_label(self):
        """ "151/18": the number and the last two digits of the year."""
        return number_label(self.number, self.year)

    @property
    def number_with_association(self):
        """ "151/18 (Landkreistag NRW)": every association counts from 1 each year, so two
        circulars 1/26 are told apart only by whose they are."""
        return number_with_association(self.number, self.year, self.association.display_name)

    @property
    def addressee_lines(self):
        return [line.strip() for line in self.addressees.splitlines() if line.strip()]

    @property
    def association_genitive(self):
        return genitive(self.association.name)


class CircularRecipient(models.Model):
    """A member jobcenter a final circular was sent to, and the e-mail that tells it."""

    circular = models.ForeignKey(
        Circular,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("Rundschreiben"),
    )
    jobcenter = models.ForeignKey(
        "jobcenters.Jobcenter",
        on_delete=models.PROTECT,
        related_name="circulars_received",
        verbose_name=_("Jobcenter"),
    )
    # Where the e-mail went (``accessions.contacts``): the registry's address, else the
    # accession's contact person, else every manager; empty when the jobcenter had none.
    emails = models.JSONField(_("E-Mail-Adressen"), default=list, blank=True)
    # One e-mail per address, queued with the recipient: whether and when each went out.
    mails = models.ManyToManyField(
        OutgoingEmail, blank=True, related_name="+", verbose_name=_("E-Mails")
    )

    class Meta:
        verbose_name = _("Empfänger")
        verbose_name_plural = _("Empfänger")
        ordering = ["circular", "jobcenter__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "jobcenter"], name="circular_recipient_once"
            ),
        ]

    def __str__(self):
        return f"{self.circular.number_label} → {self.jobcenter}"

    @property
    def emailed_at(self):
        """When the last of its e-mails went out; ``None`` until all have."""
        mails = list(self.mails.all())
        if not mails or any(mail.sent_at is None for mail in mails):
            return None
        return max(mail.sent_at for mail in mails)

    @property
    def mail_status(self):
        """How its e-mails stand, worst first: "failed", "retrying" (tried, not through
        yet), "queued", "sent", or "" without an address."""
        mails = list(self.mails.all())
        if any(mail.status == MailStatus.FAILED for mail in mails):
            return "failed"
        waiting = [mail for mail in mails if mail.status == MailStatus.QUEUED]
        if any(mail.attempts for mail in waiting):
            return "retrying"
        if waiting:
            return "queued"
        return "sent" if mails else ""


def attachment_file_name(instance, filename) -> str:
    """A random name: nothing the uploader chose reaches the disk."""
    return f"circulars/attachments/{uuid4().hex}.pdf"


class AttachmentDocument(models.TextChoices):
    """The documents Rahmenwerk makes itself as attachments, when the circular is rendered."""

    OVERVIEW = "overview", _("Statusübersicht der Mitglieder")
    AGREEMENT = "agreement", _("Vereinbarung (Vertragspartner, Laufzeit, Handlungsfelder)")
    ACCESSION_FORM = "accession_form", _("Beitrittsformular zum Ausfüllen")


class CircularAttachment(models.Model):
    """Attachment A1…An of a circular, appended to the circular's PDF: an uploaded PDF, or a
    document the system makes when the circular is rendered (the status overview of an
    agreement as the association sees it, the agreement itself, the blank accession form)."""

    circular = models.ForeignKey(
        Circular,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("Rundschreiben"),
    )
    position = models.PositiveSmallIntegerField(_("Nummer"))
    title = models.CharField(_("Bezeichnung"), max_length=200)
    file = models.FileField(_("Datei (PDF)"), upload_to=attachment_file_name, blank=True)
    document = models.CharField(
        _("Dokument"), max_length=20, choices=AttachmentDocument.choices, blank=True
    )
    agreement = models.ForeignKey(
        "agreements.FrameworkAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Vereinbarung"),
    )

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["circular", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "position"], name="circular_attachment_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="circular_attachment_position_positive"
            ),
            # Either uploaded or made by the system, never both or neither.
            models.CheckConstraint(
                condition=(Q(document="", agreement__isnull=True) & ~Q(file=""))
                | (Q(document__in=AttachmentDocument.values, agreement__isnull=False) & Q(file="")),
                name="circular_attachment_upload_or_overview",
            ),
        ]

    def __str__(self):
        return f"{self.label} – {self.title}"

    @property
    def is_generated(self):
        return bool(self.document)

    @property
    def label(self):
        """ "A1", "A2", …"""
        return f"A{self.position}"
