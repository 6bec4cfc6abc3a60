from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import State
from jobcenters.importing import JobcenterImportError, jobcenters_import


class Command(BaseCommand):
    help = (
        "Liest Jobcenter aus einer CSV-Datei ein: legt neue an, aktualisiert vorhandene "
        "(gleiches Bundesland und gleicher Name). Enthält eine Zeile einen Fehler, wird "
        "nichts eingelesen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Die CSV-Datei (UTF-8).")
        parser.add_argument(
            "--state",
            type=str.upper,
            choices=State.values,
            default="",
            help="Bundesland (z. B. NW) für Dateien ohne Spalte „state“.",
        )

    def handle(self, *args, file, state, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Die Datei {file} lässt sich nicht lesen: {error.strerror}."
            ) from error
        try:
            result = jobcenters_import(data=data, actor=None, default_state=state)
        except JobcenterImportError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{len(error.errors)} Fehler in {file}; es wurde nichts eingelesen."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} Jobcenter angelegt, {result.updated} aktualisiert."
            )
        )
