from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """German unless the user chose English with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the
    product is German, and a switch the user made is the only reason to leave it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # A stream is written as it is sent, after this returns: in the page's language
        # too (an English page's CSV export had German headers and values). Not a file
        # (``FileResponse``): it has no text, and the server sends it itself.
        if response.streaming and getattr(response, "file_to_stream", None) is None:
            response.streaming_content = _in_language(language, response.streaming_content)
        translation.deactivate()
        return response


def _in_language(language, chunks):
    with translation.override(language):
        yield from chunks
