"""Tables as CSV and XLSX downloads: German headers, German dates, real dates in XLSX.

A table is a list of ``Column`` and rows of plain values (``str``, ``int``,
``datetime.date`` or ``None``), so every list of the site can export the rows it shows.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def back_to_the_list(request, list_url):
    """Where an export with wrong filters goes: its list with the same query, which names
    the filter to correct (an export of nothing would hide it)."""
    return redirect(f"{list_url}?{request.GET.urlencode()}")


def export_response(file_format, title, columns, rows, *parts):
    """The table as ``file_format`` ("csv" or "xlsx"), named after its title, ``parts`` and
    today; ``title`` also names the XLSX sheet."""
    columns = [Column(str(column.header), column.width) for column in columns]
    filename = export_filename(title, *parts, extension=file_format)
    if file_format == "xlsx":
        return xlsx_response(filename, title, columns, rows)
    return csv_response(filename, columns, rows)


def csv_response(filename, columns, rows):
    """A CSV file as German spreadsheets open it: UTF-8 with BOM, semicolons, TT.MM.JJJJ.

    The last row ends the file: a line break after it reads as an empty last row.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    content = buffer.getvalue().removesuffix("\r\n")
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


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


def xlsx_response(filename, title, columns, rows):
    """An XLSX workbook: a bold, frozen header row with filters, dates as dates (TT.MM.JJJJ)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.language = "de-DE"
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    # The filter covers the header and the rows there are, no empty row below them.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)


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
