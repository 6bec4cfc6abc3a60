"""The letterhead's logo: a PNG checked by its header before any decoding, and stored no
larger than the letterhead draws it.

A 9,400 × 9,400 pixel logo (a few hundred kilobytes of PNG) was accepted and cost every
circular's render 9.5 s and 850 MB to decode; the letterhead draws it at most 50 × 22 mm.
"""

import io
import struct

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

MAX_LOGO_BYTES = 2 * 1024 * 1024
# What an upload may have before it is scaled down; decoding it takes at most 64 MB.
MAX_LOGO_SIDE_PX = 4000
# What the letterhead needs: 50 × 22 mm (static/pdf/circular.css, .logo) at 300 dpi.
LOGO_BOX_PX = (591, 260)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(header):
    """Width and height from the first 24 bytes of a PNG (its IHDR chunk), or None."""
    if len(header) < 24 or not header.startswith(PNG_SIGNATURE) or header[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", header[16:24])


class LogoField(forms.ImageField):
    """A PNG logo, refused by its size and its header before Pillow decodes anything."""

    def to_python(self, data):
        if data is None or not hasattr(data, "read"):
            return super().to_python(data)
        if data.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("Das Logo ist größer als 2 MB."), code="too_large")
        data.seek(0)
        size = png_size(data.read(24))
        data.seek(0)
        if size is None:
            raise forms.ValidationError(_("Das Logo muss eine PNG-Datei sein."), code="not_png")
        width, height = size
        if max(width, height) > MAX_LOGO_SIDE_PX:
            raise forms.ValidationError(
                _(
                    "Das Logo ist %(width)d × %(height)d Pixel groß; erlaubt sind höchstens "
                    "%(most)d × %(most)d. Im Briefkopf erscheint es höchstens 50 × 22 mm groß, "
                    "dafür genügen 591 × 260 Pixel."
                )
                % {"width": width, "height": height, "most": MAX_LOGO_SIDE_PX},
                code="too_many_pixels",
            )
        cleaned = super().to_python(data)
        # Pillow has read the header too: a file that is PNG only in its first bytes fails.
        if cleaned.image.format != "PNG":
            raise forms.ValidationError(_("Das Logo muss eine PNG-Datei sein."), code="not_png")
        return cleaned


def fitted_logo(upload):
    """``upload`` (a checked PNG) scaled down into ``LOGO_BOX_PX``, as a new PNG file.

    A logo that fits already is kept as it was uploaded.
    """
    upload.seek(0)
    with Image.open(upload) as image:
        if image.width <= LOGO_BOX_PX[0] and image.height <= LOGO_BOX_PX[1]:
            upload.seek(0)
            return upload
        image.thumbnail(LOGO_BOX_PX, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=upload.name)
