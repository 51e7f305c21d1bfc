"""Which language each person sees the portal in, how they choose it, and the rule for
validated questionnaires.

A signed-in person's `User.language` wins over everything else, so a Welsh speaker gets Welsh on
any device. Someone not signed in gets Django's usual choice (language cookie, then the browser's
Accept-Language, then LANGUAGE_CODE). The chooser in the footer saves the choice on the profile
and in the language cookie, so the sign-in page after signing out stays in the same language.

Validated questionnaire items (PHQ-9, GAD-7, PCL-5, ...) are never machine-translated: they are
shown in Welsh only where the instrument's owner has validated a Welsh version, and otherwise in
English with a note in the reader's language (`instrument_language`).
"""

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

SOURCE_LANGUAGE = "en-gb"


def supported_language(code: str | None) -> str | None:
    """The LANGUAGES entry that `code` names, or None if it names none. Case and region are
    forgiven ("CY", "cy-GB" and "en" all name an entry), since the profile field is free text."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    codes = [language for language, _name in settings.LANGUAGES]
    if code in codes:
        return code
    primary = code.split("-")[0]
    return next((language for language in codes if language.split("-")[0] == primary), None)


def in_active_language(english: str, welsh: str | None) -> str:
    """Text an admin keeps in both languages (an exposure category's name, an intensity level's
    description): the Welsh while Welsh is active and one is given, otherwise the English. So a row
    added later without its Welsh still shows, in English, rather than blank."""
    language = translation.get_language() or ""
    if welsh and language.split("-")[0] == "cy":
        return welsh
    return english


@contextmanager
def user_language(user) -> Iterator[str]:
    """Renders text for someone other than the person making the request (a notification title,
    an email, anything built in a Celery task) in *their* language:
    `with user_language(recipient): title = _("...")`. Yields the language code used."""
    language = supported_language(getattr(user, "language", None)) or settings.LANGUAGE_CODE
    with translation.override(language):
        yield language


def _set_language_cookie(request: HttpRequest, response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )


class UserLanguageMiddleware:
    """Activates a signed-in person's saved language for the whole request. Goes right after
    AuthenticationMiddleware (LocaleMiddleware has already picked a language for anonymous
    visitors; this overrides it, and LocaleMiddleware's response half then sets Content-Language
    from whatever is active)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            language = supported_language(user.language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # Keep the cookie in step with the profile, so pages seen after signing out (or after the
        # idle timeout) stay in the person's language. The chooser sets its own cookie: leave it.
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and cookie not in response.cookies and request.COOKIES.get(cookie) != language:
            _set_language_cookie(request, response, language)
        return response


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url=url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Saves the chosen language on the profile (when signed in) and in the language cookie
    (always), then goes back to the page the chooser was on."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        # Only a hand-made request can send an unknown language; change nothing and say so.
        messages.error(request, _("That language is not available. Choose English or Cymraeg."))
        return redirect(next_url)
    language = form.cleaned_data["language"]
    user = request.user
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    translation.activate(language)
    response = redirect(next_url)
    _set_language_cookie(request, response, language)
    return response


# Questionnaires ---------------------------------------------------------------------------------

INSTRUMENT_ENGLISH_NOTE = gettext_lazy(
    "These questions are shown in English because no validated Welsh version of this questionnaire "
    "is available. Questionnaires are never machine-translated, so that your answers mean what the "
    "questions were tested to measure. If you would like help with them, contact occupational health."
)


@dataclass(frozen=True)
class InstrumentLanguage:
    """How to show one questionnaire's items to one reader.

    `language` is the code of the text to show (wrap the items in an element with `lang` set to it
    when it differs from the page); `note`, when not None, is shown above the items."""

    language: str
    note: str | None

    @property
    def is_fallback(self) -> bool:
        return self.note is not None


def instrument_language(*, validated: Collection[str], reader: str | None = None) -> InstrumentLanguage:
    """Which language to show a validated instrument in.

    `validated` holds the language codes for which the instrument's owner has validated a
    translation that the portal has loaded (English, the source, is always available and need
    not be listed). `reader` defaults to the active language."""
    reader = supported_language(reader or translation.get_language()) or SOURCE_LANGUAGE
    if reader == SOURCE_LANGUAGE:
        return InstrumentLanguage(language=SOURCE_LANGUAGE, note=None)
    if reader in {code.lower() for code in validated}:
        return InstrumentLanguage(language=reader, note=None)
    with translation.override(reader):
        note = str(INSTRUMENT_ENGLISH_NOTE)
    return InstrumentLanguage(language=SOURCE_LANGUAGE, note=note)
