"""The WeasyPrint helper every PDF goes through."""

import gc
import logging
import os
import subprocess
import threading
import time

import pytest

from core import pdf
from tests.conftest import run_in_fresh_interpreter

SEPARATOR = "reports/attachment_separator_pdf.html"


def documents_of_one_call(monkeypatch, parts):
    """The WeasyPrint documents ``render_pdf_parts`` lays out for ``parts``."""
    made = []
    original = pdf._document

    def keep(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_document", keep)
        pdf.render_pdf_parts(parts)
    return made


def separator(position):
    attachment = {"label": f"A{position}", "title": f"Anlage {position}"}
    return SEPARATOR, {"attachment": attachment, "circular": None}


def test_every_document_of_a_thread_shares_one_font_configuration(monkeypatch):
    first = documents_of_one_call(monkeypatch, [separator(1), separator(2)])
    second = documents_of_one_call(monkeypatch, [separator(3)])

    configurations = {id(document.font_config) for document in first + second}
    assert configurations == {id(pdf.font_configuration())}


def test_another_thread_gets_a_font_configuration_of_its_own():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(pdf.font_configuration()))
    thread.start()
    thread.join()

    assert seen[0] is not pdf.font_configuration()


@pytest.mark.long  # a fresh interpreter imports the project: started first
def test_the_web_s_import_path_does_not_load_weasyprint():
    """WeasyPrint is most of a cold start: the web process loads it only when it makes a PDF."""
    code = (
        "import sys, django; django.setup(); import config.urls; print('weasyprint' in sys.modules)"
    )
    assert run_in_fresh_interpreter(code).strip() == "False"


def test_our_documents_give_no_element_but_list_items_pseudo_element_styles():
    """WeasyPrint's own stylesheet styles a marker and five footnote and note pseudo-elements
    on every element: half the cascade of a long table. Ours has none of these rules (if a
    new WeasyPrint's stylesheet no longer has all six, its own is used and this fails)."""
    import weasyprint.html

    document = pdf._html_class()(string="<p>Text</p>")

    assert document._ua_stylesheets() == [pdf.user_agent_stylesheet()]
    assert pdf.user_agent_stylesheet() is not weasyprint.html.UA_STYLESHEET


def test_list_items_keep_their_markers():
    html = "<ul><li>Eins</li></ul><ol><li>Zwei</li><li>Drei</li></ol>"
    document = pdf._html_class()(string=html).render(font_config=pdf.font_configuration())

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=document.write_pdf(), capture_output=True, check=True
    ).stdout.decode()
    assert "• Eins" in text
    assert "1. Zwei" in text
    assert "2. Drei" in text


def test_our_user_agent_stylesheet_parses_without_warnings(caplog):
    # Parsed into WeasyPrint's shared counter styles, its @counter-style rules named styles
    # already there: each worker logged "Invalid counter style name ' disc '" on its first PDF.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.user_agent_stylesheet.__wrapped__()

    assert caplog.messages == []


def test_the_cyclic_collector_rests_while_weasyprint_lays_out_and_writes(monkeypatch):
    """A 404-row overview keeps a million boxes alive; each full collection walked them all."""
    seen = []
    original = pdf._document

    def watch(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(pdf, "_document", watch)
    pdf.render_pdf_parts([separator(1)])

    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_failed_rendering(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(pdf, "_document", fail)
    with pytest.raises(RuntimeError):
        pdf.render_pdf_parts([separator(1)])

    assert gc.isenabled()


def test_a_collector_someone_else_switched_off_stays_off():
    gc.disable()
    try:
        pdf.render_pdf_parts([separator(1)])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_rests_until_the_last_of_two_threads_has_its_pdf():
    with pdf.collector_paused():
        thread = threading.Thread(target=lambda: pdf.render_pdf_parts([separator(1)]))
        thread.start()
        thread.join()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_fetcher_loads_no_certificates(monkeypatch):
    """It refuses every URL but a project file: loading the system's CA certificates for an
    HTTPS handler it never uses cost about 50 ms CPU per part, six per circular."""
    import ssl

    pdf.load()  # WeasyPrint's import makes its own stylesheets once, with certificates
    loaded = []
    monkeypatch.setattr(
        ssl.SSLContext, "load_default_certs", lambda self, *args: loaded.append(args)
    )

    pdf.ProjectFileFetcher()
    pdf.render_pdf_parts([separator(1), separator(2)])

    assert loaded == []


# pytest's own threads: the fork warns, and these children only sleep or write bytes.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_child_that_is_no_longer_wanted_is_ended_and_reaped():
    child = pdf._Child(lambda: time.sleep(60) or b"late")
    pid = child.pid
    started = time.monotonic()

    child.stop()

    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):  # reaped: no zombie is left to wait for
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_child_hands_over_its_bytes_and_is_reaped():
    child = pdf._Child(lambda: b"%PDF-" + b"x" * 200_000)  # more than a pipe holds at once

    assert child.result() == b"%PDF-" + b"x" * 200_000
    child.stop()  # nothing left to end
