"""Settings for ``bench/load.py``'s gunicorn: production settings (``config.settings``, read
from the same environment as docker-compose), with the benchmark's own URLconf, which adds
the stock admin changelists the pages are compared with. Never used by the app or tests.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
