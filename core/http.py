"""Downloads of stored files that are not for everybody (signed forms, attachments, PDFs,
exports)."""

from django.http import FileResponse


def private_download(response):
    """A PDF for one user: never sniffed or run as a page, never cached on the way."""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_download(stored_file, filename):
    """A stored PDF as a private download named ``filename``, never shown inline."""
    return file_download(stored_file, filename, "application/pdf")


def file_download(stored_file, filename, content_type):
    """A stored file as a private download named ``filename``, never shown inline."""
    response = FileResponse(
        stored_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    return private_download(response)
