import gc
import time

import renderings

from core import pdf as core_pdf
from reports import documents
from reports.models import Rendering, RenderingKind

agreement = renderings.seed_agreement(renderings.MANY)
core_pdf.warm_up()
rendering = Rendering.objects.create(kind=RenderingKind.OVERVIEW, agreement=agreement)
res = {1: [], 2: []}
for k in (1, 2) * 5:
    gc.collect()
    t = time.perf_counter()
    pdf, pages = documents.overview_pdf(rendering, processes=k)
    res[k].append(time.perf_counter() - t)
print({k: [round(x, 2) for x in sorted(v)] for k, v in res.items()}, pages)
