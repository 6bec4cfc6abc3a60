from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import audit
from core.choices import ChoiceLabels


class State(models.TextChoices):
    """The sixteen German federal states (Länder), by their official short code."""

    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bayern")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hessen")
    MV = "MV", _("Mecklenburg-Vorpommern")
    NI = "NI", _("Niedersachsen")
    NW = "NW", _("Nordrhein-Westfalen")
    RP = "RP", _("Rheinland-Pfalz")
    SL = "SL", _("Saarland")
    SN = "SN", _("Sachsen")
    ST = "ST", _("Sachsen-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thüringen")


class RegionKind(models.TextChoices):
    """The kind of area a jobcenter serves; it decides the jobcenter's association."""

    KREIS = "kreis", _("Kreis")
    KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministerium")
    REGIONAL_DIRECTORATE = "regional_directorate", _("Regionaldirektion der BA")
    MUNICIPAL_ASSOCIATION = "municipal_association", _("Kommunaler Spitzenverband")
    JOBCENTER = "jobcenter", _("Jobcenter")
    OTHER = "other", _("Sonstiger Vertragspartner")


class Role(models.TextChoices):
    MINISTRY_STAFF = "ministry_staff", _("Ministerium")
    PARTNER_READER = "partner_reader", _("Vertragspartner (nur lesend)")
    ASSOCIATION_STAFF = "association_staff", _("Kommunaler Spitzenverband")
    JOBCENTER_MANAGER = "jobcenter_manager", _("Jobcenter-Leitung")


# Which roles a member of each kind of organisation may hold.
ROLES_BY_ORGANISATION_KIND = {
    OrganisationKind.MINISTRY: {Role.MINISTRY_STAFF, Role.PARTNER_READER},
    OrganisationKind.REGIONAL_DIRECTORATE: {Role.PARTNER_READER},
    OrganisationKind.MUNICIPAL_ASSOCIATION: {Role.ASSOCIATION_STAFF},
    OrganisationKind.JOBCENTER: {Role.JOBCENTER_MANAGER},
    OrganisationKind.OTHER: set(),
}


class Organisation(ChoiceLabels, models.Model):
    """A public body: a ministry, a regional directorate, an association or a jobcenter.

    Jobcenters extend this model (``jobcenters.Jobcenter``) with their registry data.
    """

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    kind = models.CharField(_("Art"), max_length=30, choices=OrganisationKind.choices)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices)
    member_region_kind = models.CharField(
        _("Mitglieder"),
        max_length=20,
        choices=RegionKind.choices,
        blank=True,
        help_text=_(
            "Nur für kommunale Spitzenverbände: Landkreistage vertreten die Kreise, "
            "Städtetage die kreisfreien Städte."
        ),
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Internetseite"), blank=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        indexes = [
            # The lists' sort by a jobcenter's name (its measures by jobcenter, the jobcenter
            # list by name) across all states, the id as tie breaker (``core.paging``): a
            # jobcenter's name lives here. Without it every sort by name sorted all rows
            # (measures by jobcenter at 4× Germany: 80,000, 200 ms a page).
            models.Index(fields=["name", "id"], name="organisation_name_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="organisation_unique_name"),
            models.UniqueConstraint(
                fields=["state", "member_region_kind"],
                condition=Q(kind=OrganisationKind.MUNICIPAL_ASSOCIATION),
                name="organisation_one_association_per_region_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="organisation_state_valid"
            ),
            # Only an association has members, and an association always has them.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
                        member_region_kind__in=RegionKind.values,
                    )
                    | (~Q(kind=OrganisationKind.MUNICIPAL_ASSOCIATION) & Q(member_region_kind=""))
                ),
                name="organisation_members_only_for_associations",
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{5}$"),
                name="organisation_postal_code_five_digits",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class User(AbstractUser):
    """A person who logs in. Belongs to at most one organisation, with one role there."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("Organisation"),
    )
    role = models.CharField(_("Rolle"), max_length=30, choices=Role.choices, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(role__in=Role.values), name="user_role_valid"
            ),
            # A role only means something within an organisation.
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, role="")
                | Q(organisation__isnull=False, role__in=Role.values),
                name="user_role_with_organisation",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        """The history of one object, newest first, with the acting user."""
        return (
            self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
            .select_related("actor", "content_type")
            .order_by("-created_at", "-pk")
        )


class AuditEvent(models.Model):
    """Who did what to which object, when, and why. Written by services, never edited."""

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("Objekt"), max_length=200)
    # An ``AuditAction`` (record_event checks it). No ``choices`` here, so that a new
    # action needs no migration; the admin shows the labels all the same.
    action = models.CharField(_("Aktion"), max_length=50)
    # What the event's sentence names (a date, a number); see accounts.audit.describe.
    data = models.JSONField(_("Angaben"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Events used to store their sentence in German; kept for rows whose data lacks it.
    legacy_summary = models.CharField(_("Text (alte Einträge)"), max_length=300, blank=True)
    reason = models.TextField(_("Begründung"), max_length=2000, blank=True)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self):
        return f"{self.object_repr}: {self.summary}"

    @property
    def summary(self):
        """What happened, as a sentence in the active language."""
        return audit.describe(self)

    @property
    def note(self):
        """The text the event records (a progress note), or ``""``."""
        return audit.note(self)

    def change_rows(self):
        """A ``ChangeRow`` (label, old, new) per changed field, worded as on the object's form."""
        return audit.change_rows(self)


class AccessibilityFeedback(models.Model):
    """A message sent through the feedback form of the accessibility statement (§ 12b BGG)."""

    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True)
    name = models.CharField(_("Ihr Name"), max_length=200, blank=True)
    email = models.EmailField(_("Ihre E-Mail-Adresse"), blank=True)
    page = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Ihre Nachricht"), max_length=5000)
    # A keyed hash of the sender's address: enough to count one sender's messages, not to
    # tell who it was (the address itself is not kept).
    sender = models.CharField(_("Absender-Kennung"), max_length=64, blank=True, editable=False)
    held_back = models.BooleanField(
        _("nicht per E-Mail weitergeleitet"),
        default=False,
        help_text=_("Zu viele Rückmeldungen in kurzer Zeit: nur hier gespeichert."),
    )

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="feedback_created_idx"),
            models.Index(fields=["sender", "created_at"], name="feedback_sender_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y} {self.message[:50]}"


class SignLanguageTopic(models.TextChoices):
    """The slots of the sign-language page: one DGS video each."""

    ABOUT = "rahmenvereinbarung", _("Was ist die Rahmenvereinbarung Inklusion?")
    MEMBERS = "jobcenter", _("Welche Jobcenter machen mit?")
    BARRIERS = "barriere-melden", _("Wie melde ich eine Barriere?")


def sign_language_video_name(instance, filename) -> str:
    """Stored under the topic and the kind its content showed, never the uploader's name."""
    return f"gebaerdensprache/{instance.topic}.{instance.kind}"


class SignLanguageVideo(models.Model):
    """A video in German Sign Language (DGS) for one topic of the sign-language page."""

    topic = models.CharField(
        _("Thema"), max_length=30, choices=SignLanguageTopic.choices, unique=True
    )
    file = models.FileField(_("Video (MP4 oder WebM)"), upload_to=sign_language_video_name)
    kind = models.CharField(_("Format"), max_length=4, editable=False)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), editable=False)
    duration_seconds = models.PositiveIntegerField(
        _("Dauer (Sekunden)"), help_text=_("Wie lange das Video läuft, z. B. 150 für 2:30.")
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now=True)

    class Meta:
        verbose_name = _("Gebärdensprach-Video")
        verbose_name_plural = _("Gebärdensprach-Videos")
        ordering = ["topic"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__in=SignLanguageTopic.values), name="video_topic_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=["mp4", "webm"]), name="video_kind_valid"),
            models.CheckConstraint(condition=Q(duration_seconds__gt=0), name="video_duration_set"),
        ]

    def __str__(self):
        return self.get_topic_display()

    @property
    def content_type(self):
        return f"video/{self.kind}"

    @property
    def duration_label(self):
        """ "2:30 Min." """
        minutes, seconds = divmod(self.duration_seconds, 60)
        return _("%(minutes)d:%(seconds)02d Min.") % {"minutes": minutes, "seconds": seconds}
