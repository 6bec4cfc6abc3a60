"""Where a jobcenter's signed accession form is stored; its content check is
``core.pdf_uploads``, shared with the circulars' attachments."""

from uuid import uuid4


def signed_form_name(instance, filename) -> str:
    """An `upload_to` callable: a random name, ignoring the uploader's file name entirely.

    The name the browser sends may contain "../" or a second extension ("form.pdf.exe");
    none of it reaches the disk. The "signed-forms/" prefix lies inside MEDIA_ROOT, which
    must not be a served path: the files are only handed out by a view that checks access.
    """
    return f"signed-forms/{uuid4().hex}.pdf"
