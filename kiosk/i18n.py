"""The translation layer of the core: gettext catalogs in ``locales/``, managed with Babel.

Every user-visible string passes through here. The core cannot know which language the citizen
on the screen has chosen, so it hands out :class:`Text` objects (a message id and its
parameters) that the caller renders in the session's language; :func:`translate` renders at once.

Numbers given as parameters are written in Persian digits when rendered in Persian, and every
number, date and code a parameter brings into a Persian sentence is wrapped in a left-to-right
isolate (``kiosk.text.isolate_numbers``), so the sentence never reorders its groups. (Numbers
written in a translation itself are isolated in the ``.po`` file; a test checks every one.)
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from kiosk.resources import locale_dir
from kiosk.text import isolate, isolate_numbers, localize_digits

LANGUAGES: Final = ("fa", "en")
DEFAULT_LANGUAGE: Final = "fa"
DOMAIN: Final = "messages"
RTL_LANGUAGES: Final = frozenset({"fa"})
_NUMERIC: Final = re.compile(r"[0-9۰-۹٠-٩][0-9۰-۹٠-٩/\-:.,٬ ]*")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


def check_language(lang: str) -> str:
    """Return ``lang`` if the kiosk speaks it, else raise ``ValueError``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalog of ``lang`` (English is the source language)."""
    check_language(lang)
    return gettext.translation(DOMAIN, localedir=locale_dir(), languages=[lang], fallback=True)


def _localize_param(value: object, lang: str) -> str:
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = localize_digits(str(value), lang)
        return isolate(number) if is_rtl(lang) else number
    text = str(value)
    if _NUMERIC.fullmatch(text):  # a date or a number given as text: digits of the language
        text = localize_digits(text, lang)
        return isolate(text) if is_rtl(lang) else text
    return isolate_numbers(text) if is_rtl(lang) else text


def translate(lang: str, msgid: str, /, **params: object) -> str:
    """``msgid`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    text = translations(lang).gettext(msgid)
    if not params:
        return text
    return text.format(**{k: _localize_param(v, lang) for k, v in params.items()})


@dataclass(frozen=True)
class Text:
    """A message to render later, in whichever language the reader uses."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return translate(lang, self.msgid, **self.params)

    def all_languages(self) -> dict[str, str]:
        return {lang: self.render(lang) for lang in LANGUAGES}


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES
