"""The data state's counters read once per request that only reads."""

from reports.states import read_once

# The methods that write nothing: a list's count and its filter choices may share one
# read of the counters (``reports.states.read_once``). A POST reads them afresh each time,
# as it may have moved them in between.
READING_METHODS = frozenset({"GET", "HEAD"})


class DataVersionsOncePerRequest:
    """A GET or HEAD reads the counters the lists' keys need once, not once per key: a
    list read them for its filter choices and again for its count of rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READING_METHODS:
            return self.get_response(request)
        with read_once():
            return self.get_response(request)
