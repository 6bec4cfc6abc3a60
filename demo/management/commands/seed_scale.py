from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.scale import scaled_plan, seed_scale


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
        parser.add_argument(
            "--factor",
            type=int,
            default=1,
            help="N-mal Deutschland: 405 × N Jobcenter und 20.000 × N Maßnahmen (Vorgabe 1).",
        )

    def handle(self, *args, force=False, factor=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Erfundene Jobcenter gehören nicht in den Betrieb. "
                "Nur mit DJANGO_DEBUG=true oder --force."
            )
        if factor < 1:
            raise CommandError("--factor muss mindestens 1 sein.")
        result = seed_scale(factor)
        self.stdout.write(self.style.SUCCESS(f"Angelegt: {result}"))
        plan = scaled_plan(factor)
        total = sum(state_plan.jobcenters for state_plan in plan.values())
        self.stdout.write(f"Ziel: {total} Jobcenter in {len(plan)} Ländern.")
