def private_download(response):
    """A PDF for one user: never sniffed or run as a page, never cached on the way."""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
