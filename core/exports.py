"""Tables as CSV and XLSX downloads: German headers, German dates, real dates in XLSX.

A table (``Table``) is a list of ``Column`` and rows of plain values (``str``, ``int``,
``datetime.date`` or ``None``), so every list of the site can export the rows it shows. A
CSV is streamed by the web worker as it is written (``csv_response``); an XLSX is written
to a file by a Celery worker (``write_xlsx``, ``reports.tasks.build_export``), never in a
web request.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.memory import return_freed_memory
from core.text import strip_controls

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 20  # in characters, for XLSX


# For the plain ``filename`` of clients that do not read ``filename*`` (RFC 6266).
ASCII_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def export_filename(*parts, extension):
    """``maßnahmen-nrw-inklusiv-2026-11-23.csv``: what, of what, as of today, umlauts kept."""
    stem = "-".join(slugify(str(part), allow_unicode=True) for part in parts if part)
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def list_export(request, file_format, *, list_url, table, ask_for_xlsx):
    """A list's export with the filters of the request's address, as every list answers it:
    a CSV streamed at once, an XLSX from a worker (``ask_for_xlsx()`` asks for it and is the
    job's page to follow).

    ``table(query)`` is the list's ``Table``, ``None`` when the filters are wrong: then the
    list again with the same query, which names the filter to correct (an export of nothing
    would hide it). An XLSX is asked for by the list's button, a POST only: a GET of its
    address (a bookmark, a link copied before it was a button, a prefetch) starts no job and
    leads to the list, whose button asks for the file.
    """
    the_list = f"{list_url}?{request.GET.urlencode()}"
    if file_format == "xlsx" and request.method != "POST":
        messages.info(request, _("Eine Excel-Datei entsteht mit ihrem Knopf auf dieser Seite."))
        return redirect(the_list)
    rows = table(request.GET)
    if rows is None:
        return redirect(the_list)
    if file_format == "xlsx":
        return redirect(ask_for_xlsx())
    return csv_response(rows)


@dataclass
class Table:
    """What an export writes: its title (also the XLSX sheet's), its columns and its rows.

    ``rows`` yields tuples of plain values as they are written (a queryset's
    ``iterator``), so that no export holds all its rows at once; ``count`` says how many
    there are (for the progress of an XLSX export and its filter). ``parts`` name the file
    after the title (``export_filename``).
    """

    title: str
    columns: list
    rows: Iterable
    count: Callable[[], int]
    parts: tuple = ()

    def filename(self, extension):
        return export_filename(self.title, *self.parts, extension=extension)


# Rows an export reads from the database at a time, and writes out at a time.
CHUNK_SIZE = 2000
CSV_ROWS_PER_CHUNK = 500


def csv_response(table):
    """The table as a CSV download, streamed: written row by row as it is sent, so the
    web worker holds a chunk of rows at a time, never the file (``_csv_chunks``)."""
    response = StreamingHttpResponse(
        _csv_chunks(table.columns, table.rows), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, table.filename("csv"))


def _csv_chunks(columns, rows):
    """A CSV file as German spreadsheets open it: UTF-8 with BOM, semicolons, TT.MM.JJJJ.

    The last row ends the file: a line break after it reads as an empty last row; so each
    row after the header starts with the line break instead of ending with it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(values):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue().removesuffix("\r\n")

    chunk = []
    try:
        yield "\ufeff" + line([str(column.header) for column in columns])
        for row in rows:
            chunk.append("\r\n" + line([_csv_value(value) for value in row]))
            if len(chunk) >= CSV_ROWS_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)
    finally:
        # Sent (or the download broken off): the rows went through in chunks, and the
        # web worker gives back what they took (after the 4x Germany CSV it kept 4.8 MB more
        # than before, 1.3 MB with this).
        return_freed_memory()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str):
        value = strip_controls(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def write_xlsx(table, path, progress=None, every=CHUNK_SIZE):
    """Write the table to ``path`` as an XLSX workbook: a bold, frozen header row with
    filters, dates as dates (TT.MM.JJJJ). Write-only: rows go to the file as they come.

    ``progress(rows)`` is called every ``every`` rows and at the end. Returns the number
    of rows written.
    """
    title = str(table.title)
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.language = "de-DE"
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    # The filter covers the header and the rows there are, no empty row below them
    # (written at the end of the sheet, so it can wait until the rows are counted).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{written + 1}"
    workbook.save(path)
    if progress is not None:
        progress(written)
    return written


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        # Text stored before the forms refused control characters: XLSX cannot hold them.
        value = strip_controls(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = "DD.MM.YYYY"
    elif isinstance(value, str):
        # Text stays text, even when it starts with "=" (openpyxl would write a formula).
        cell.data_type = "s"
    return cell


def content_disposition(filename):
    """``attachment`` with the name as it is (``filename*``, RFC 5987) and in ASCII."""
    ascii_name = filename.lower().translate(ASCII_SPELLING)
    ascii_name = ascii_name.encode("ascii", "ignore").decode().replace('"', "")
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{quote(filename)}"


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
