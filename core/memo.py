"""Values read for a data-state key, kept in this process.

A list page reads a few things that change only when the data does: its filters' choices
(a union query that took PostgreSQL longer to plan than to run) and how many rows it has
(a count over every row it may show: 7 of the administration's 40 ms for page 1 of the
measures at 4x Germany). A key made of the database's own change counters
(``reports.states``) says when what was read is still true: one small query.
"""

import threading

from django.db import connection


class Memo:
    """At most ``size`` values, each under the key it was read for, the oldest going first.

    ``memo(state, read)`` is ``read()``, or what ``read()`` returned before for the key
    ``state()`` gives now. A key of ``None`` keeps nothing (``state`` could not say).
    Inside a transaction nothing is kept or looked up, and ``state`` is not asked: what
    ``read`` sees may still be rolled back, with the counters the key is made of, which
    would then count the same again for other rows.
    """

    def __init__(self, size):
        self.size = size
        self._kept = {}
        self._lock = threading.Lock()

    def __call__(self, state, read):
        if connection.in_atomic_block:
            return read()
        key = state()
        if key is None:
            return read()
        with self._lock:
            if key in self._kept:
                return self._kept[key]
        value = read()
        with self._lock:
            while len(self._kept) >= self.size:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = value
        return value

    def __len__(self):
        return len(self._kept)

    def clear(self):
        with self._lock:
            self._kept.clear()
