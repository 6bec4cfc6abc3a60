"""Hand a task to the broker without ever failing the request that asked for it.

The row that asks for the work (a rendering, an outgoing e-mail) is committed first; this
sends the message after the commit. When Redis is down it logs and returns ``None``: the
row waits, the page says so, and a beat sweep dispatches it again later.
"""

import logging
import time

logger = logging.getLogger(__name__)

# After a failed dispatch, the broker is left alone this long: a request that queues many
# tasks (a circular to 400 jobcenters) waits for it once, not once per task.
PAUSE_SECONDS = 10
_broker_down_until = 0.0


def delay(task, *args):
    """``task.delay(*args)``; ``None`` (logged) when the broker did not take it."""
    global _broker_down_until
    eager = task.app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_down_until:
        logger.info("%s%r not dispatched: the broker was unreachable just now.", task.name, args)
        return None
    try:
        return task.delay(*args)
    except Exception:
        # Without a worker (eager tasks) the task ran here and failed: its row says so.
        if not eager:
            _broker_down_until = time.monotonic() + PAUSE_SECONDS
        logger.warning("%s%r not dispatched; a sweep picks it up.", task.name, args, exc_info=True)
        return None


def reset():
    """Forget an earlier failure (tests that bring Redis back)."""
    global _broker_down_until
    _broker_down_until = 0.0
