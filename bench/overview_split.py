"""Experiment: the 404-row overview PDF set in two processes and joined, against one process.

Run (after ``unpaginated.py --seed 1`` on the same database): ``DATABASE_URL=postgres://…
.venv/bin/python bench/overview_split.py [--rounds 3]``.

Not what the app does yet: it measures the lever issue 15 names for the 3 s goal. The
overview's rows are split in half; a forked child sets the second half while this process
sets the first (both with the fonts this process warmed up); the two tagged PDFs are joined
with pikepdf (pages, the child's structure elements under this document's ``/Document``,
its ``ParentTree`` entries and pages' ``/StructParents`` shifted). Wall time of both and
of the join, against all rows set in one process the same way, interleaved; both from one
context built before the rounds, so neither pays the SQL. What the app
would still need: "Seite x von y" stamped after the join (each half counts its own pages),
header and legend only in the first and last half, a split at a page boundary (a half page
in the middle otherwise), and no fork where threads run (``make run``'s eager tasks).
"""

import dataclasses
import io
import os

import pikepdf
import renderings
from common import machine, median, parser
from unpaginated import timed  # (CPU, wall) seconds after a garbage collection

from core import pdf as core_pdf
from reports import documents


def half(name, context, rows):
    context = dict(context, overview=dataclasses.replace(context["overview"], rows=rows))
    with core_pdf.collector_paused():
        roots = [core_pdf.static_root()]
        fetcher = core_pdf._fetcher_class()(roots)
        document = core_pdf._document(name, context, roots=roots, language="de", fetcher=fetcher)
        return document.write_pdf(pdf_variant=core_pdf.PDF_VARIANT)


def _document_element(root):
    return root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0]


def _next_key(root):
    # WeasyPrint writes no /ParentTreeNextKey: the next key is one past the highest.
    nums = root.ParentTree.Nums
    return max((int(nums[index]) for index in range(0, len(nums), 2)), default=-1) + 1


def join(first, second):
    """``second``'s pages and structure appended to ``first``'s."""
    target, source = pikepdf.open(io.BytesIO(first)), pikepdf.open(io.BytesIO(second))
    root, source_root = target.Root.StructTreeRoot, source.Root.StructTreeRoot
    offset, pages = _next_key(root), len(target.pages)
    target.pages.extend(source.pages)  # copied first: the elements below point to them
    document = _document_element(root)
    for kid in target.copy_foreign(_document_element(source_root)).K:
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = document
        document.K.append(kid)
    nums = source_root.ParentTree.Nums
    for index in range(0, len(nums), 2):
        value = nums[index + 1]
        copied = (
            target.copy_foreign(value)
            if value.is_indirect
            else pikepdf.Array([target.copy_foreign(element) for element in value])
        )
        root.ParentTree.Nums.extend([int(nums[index]) + offset, copied])
    for page in target.pages[pages:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
    root.ParentTreeNextKey = offset + _next_key(source_root)
    output = io.BytesIO()
    target.save(output)
    return output.getvalue()


def split(name, context):
    rows = context["overview"].rows
    middle = len(rows) // 2
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no database, no atexit, only the bytes
        try:
            os.close(reader)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(half(name, context, rows[middle:]))
        finally:
            os._exit(0)  # never back into the parent's loop, not even after an error
    os.close(writer)
    first = half(name, context, rows[:middle])
    with os.fdopen(reader, "rb") as pipe:
        second = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if not second:
        raise SystemExit(f"Das Kind hat kein PDF geliefert (Status {status}).")
    return join(first, second)


def main():
    args = parser(__doc__, rounds=3, warmup=0).parse_args()
    agreement = renderings.seed_agreement(renderings.MANY)
    core_pdf.warm_up()
    name, context = documents._overview_part(None, agreement)
    started = machine()
    one, two = [], []
    for _round in range(args.rounds):
        one.append(timed(lambda: half(name, context, context["overview"].rows))[1])
        two.append(timed(lambda: split(name, context))[1])
    pages = len(pikepdf.open(io.BytesIO(split(name, context))).pages)
    print(f"{len(context['overview'].rows)} Zeilen, {pages} Seiten; {started}")
    print(f"ein Prozess:  Median {median(one):.2f} s, bester {min(one):.2f} s (Uhr)")
    print(f"zwei Hälften: Median {median(two):.2f} s, bester {min(two):.2f} s (Uhr, samt Join)")


if __name__ == "__main__":
    main()
