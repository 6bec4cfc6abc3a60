from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.scale import PLAN, seed_scale


class Command(BaseCommand):
    help = (
        "Legt Benchmark-Daten in der Größe Deutschlands an: 405 Jobcenter in 16 Ländern, "
        "je Land Ministerium, Regionaldirektion, Spitzenverbände und eine Vereinbarung "
        "mit sechs Handlungsfeldern, dazu Beitritte, 20.000 Maßnahmen und Kennzahlen "
        "für zehn Jahre. Wiederholbar: ein zweiter Lauf legt nichts an."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch ohne DJANGO_DEBUG anlegen (nur für Test- und Benchmark-Datenbanken).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Erfundene Jobcenter gehören nicht in den Betrieb. "
                "Nur mit DJANGO_DEBUG=true oder --force."
            )
        result = seed_scale()
        self.stdout.write(self.style.SUCCESS(f"Angelegt: {result}"))
        total = sum(plan.jobcenters for plan in PLAN.values())
        self.stdout.write(f"Ziel: {total} Jobcenter in {len(PLAN)} Ländern.")
