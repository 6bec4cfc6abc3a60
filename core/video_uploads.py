"""The check an uploaded sign-language video passes: MP4 or WebM by its content, bounded.

The file is judged by its first bytes, never by its name or the Content-Type the browser
sends. MP4 (ISO base media) starts with a box whose type is ``ftyp``; WebM starts with
the EBML magic and names ``webm`` as its document type within its header.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
HEAD_BYTES = 64


def video_kind(head):
    """``"mp4"``, ``"webm"`` or ``None`` for the first bytes of a file."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(EBML_MAGIC) and b"webm" in head[:HEAD_BYTES]:
        return "webm"
    return None


def check_video(upload):
    """The kind (``"mp4"`` or ``"webm"``) of an uploaded video, or a German ``ValidationError``
    naming every problem: too large, not a video of these kinds."""
    problems = []
    limit = settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES
    if upload.size > limit:
        problems.append(
            _("Das Video ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    kind = video_kind(upload.read(HEAD_BYTES))
    upload.seek(0)
    if kind is None:
        problems.append(
            _("Die Datei ist kein MP4- oder WebM-Video (geprüft wird der Inhalt, nicht der Name).")
        )
    if problems:
        raise ValidationError(problems)
    return kind
