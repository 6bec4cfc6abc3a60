from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.nrw import DEMO_PASSWORD, demo_logins, load_demo


class Command(BaseCommand):
    help = "Lädt die Demodaten (NRW wie in den Ausgangsdokumenten). Wiederholbar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch ohne DJANGO_DEBUG laden (nur für Test- und Demo-Installationen).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demodaten mit bekannten Passwörtern gehören nicht in den Betrieb. "
                "Nur mit DJANGO_DEBUG=true oder --force."
            )
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demodaten geladen."))
        self.stdout.write(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):")
        for username, organisation, role in demo_logins():
            self.stdout.write(f"  {username:<24} {organisation:<28} {role}")
