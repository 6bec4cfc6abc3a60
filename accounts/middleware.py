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
        translation.deactivate()
        return response
