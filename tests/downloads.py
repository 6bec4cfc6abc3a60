"""What a user gets from an export button: a CSV at once, streamed; an XLSX from the
worker (eager in tests), downloaded from its export page once it is written."""

from django.test import TestCase
from django.urls import resolve, reverse
from django.utils.http import urlencode


def ask_for_xlsx(client, url, query=None):
    """The XLSX button of a list: a POST to the export's address with the list's filters
    in it, as the button's form has them."""
    return client.post(f"{url}?{urlencode(query or {}, doseq=True)}")


def download(client, url, query=None):
    """The response to an export's link (CSV) or button (XLSX), followed to the file for an
    XLSX: the POST makes the ``Export`` row, its dispatch after the commit runs the (eager)
    task, and the download of its page is what the user saves. Anything else (a redirect
    back to the list, a 404) comes back as it is."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        if url.endswith(".xlsx"):
            response = ask_for_xlsx(client, url, query)
        else:
            response = client.get(url, query or {})
    if response.status_code != 302:
        return response
    target = resolve(response["Location"].split("?")[0])
    if target.view_name != "exports:detail":
        return response
    return client.get(reverse("exports:download", args=[target.kwargs["pk"]]))
