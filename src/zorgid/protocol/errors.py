"""The one error base class of zorgid (R-ERR).

Every refusal has a stable code, an HTTP status, and a cause and a solution in Dutch and English.
Subclasses register themselves, so the public error page (``/foutmeldingen``) and the OpenAPI schema
list every code from the code itself, never from a hand-kept copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

_CODE = re.compile(r"^ZID-[A-Z0-9]+(-[A-Z0-9]+)*$")
_REGISTRY: dict[str, type[ZorgidError]] = {}


@dataclass(frozen=True)
class Detail:
    """An error's detail in both languages, for the person who reads it (a client program prints the one of his
    language). Its English text is the error's ``detail``: the one of the JSON answer and of the logs."""

    nl: str
    en: str


def technical(text: str) -> Detail:
    """A detail for the service desk, in English only: a client shows it only to who asked for English."""
    return Detail(nl="", en=text)


class ZorgidError(Exception):
    """Base of every error with a code. Subclasses set the class attributes below.

    ``detail`` says what exactly went wrong. Given as plain text it is shown as it is; given as a :class:`Detail` it
    is shown in the reader's language (``detail_in``). A class whose plain-text details are technical (English,
    for the service desk) says so with ``technical_detail``.
    """

    code: ClassVar[str] = "ZID-INTERNAL"
    status: ClassVar[int] = 500
    cause_nl: ClassVar[str] = "Er is een onverwachte fout opgetreden."
    cause_en: ClassVar[str] = "An unexpected error occurred."
    solution_nl: ClassVar[str] = "Probeer het later opnieuw. Blijft de fout, neem dan contact op met de servicedesk."
    solution_en: ClassVar[str] = "Try again later. If the error persists, contact the service desk."
    technical_detail: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            return  # an abstract grouping class
        if not _CODE.match(cls.code):
            raise ValueError(f"error code {cls.code!r} does not have the form ZID-WORD(-WORD)*")
        other = _REGISTRY.get(cls.code)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise ValueError(f"error code {cls.code} is used by both {other.__name__} and {cls.__name__}")
        _REGISTRY[cls.code] = cls

    def __init__(self, detail: str | Detail = "") -> None:
        if isinstance(detail, Detail):
            self.detail, self.detail_nl = detail.en, detail.nl
        else:
            self.detail, self.detail_nl = detail, None
        super().__init__(f"{self.code}: {self.detail or self.cause_en}")

    def detail_in(self, language: str = "nl") -> str:
        """The detail as a person reads it in ``language`` ("" when there is none in that language)."""
        if language.startswith("en"):
            return self.detail
        if self.detail_nl is not None:
            return self.detail_nl
        return "" if self.technical_detail else self.detail

    def cause(self, language: str = "nl") -> str:
        return self.cause_en if language.startswith("en") else self.cause_nl

    def solution(self, language: str = "nl") -> str:
        return self.solution_en if language.startswith("en") else self.solution_nl

    def as_dict(self) -> dict[str, object]:
        """The one documented error shape of the JSON API."""
        body: dict[str, object] = {
            "code": self.code,
            "status": self.status,
            "cause": {"nl": self.cause_nl, "en": self.cause_en},
            "solution": {"nl": self.solution_nl, "en": self.solution_en},
        }
        if self.detail:
            body["detail"] = self.detail
        return {"error": body}

    @classmethod
    def from_dict(cls, body: dict) -> ZorgidError:
        """Rebuild an error answered by the server (used by the clients). The server's detail is its technical
        diagnostic, in English; a class that knows the form of its detail tells it in Dutch too (``detail_in``)."""
        inner = body.get("error") if isinstance(body, dict) else None
        if not isinstance(inner, dict) or not isinstance(inner.get("code"), str):
            return ZorgidError(technical("unreadable error answer"))
        detail = technical(str(inner.get("detail") or ""))
        known = error_class(inner["code"])
        if known is not None:
            return known(detail)
        err = RemoteError(detail)
        err.remote_code = inner["code"]
        cause = inner.get("cause") or {}
        solution = inner.get("solution") or {}
        err.remote_text = {
            "cause_nl": str(cause.get("nl", "")), "cause_en": str(cause.get("en", "")),
            "solution_nl": str(solution.get("nl", "")), "solution_en": str(solution.get("en", "")),
        }
        return err


class RemoteError(ZorgidError):
    """An error with a code this program does not know (a newer server)."""

    remote_code = "ZID-INTERNAL"
    remote_text: dict[str, str] = {}

    def cause(self, language: str = "nl") -> str:
        return self.remote_text.get("cause_en" if language.startswith("en") else "cause_nl", "")

    def solution(self, language: str = "nl") -> str:
        return self.remote_text.get("solution_en" if language.startswith("en") else "solution_nl", "")


def error_class(code: str) -> type[ZorgidError] | None:
    """The registered error class of ``code``, if any."""
    return _REGISTRY.get(code)


def registered_errors() -> list[type[ZorgidError]]:
    """Every registered error class, sorted by code."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


class InternalError(ZorgidError):
    code = "ZID-INTERNAL"
    technical_detail = True


class PayloadMalformed(ZorgidError):
    code = "ZID-QR-MALFORMED"
    status = 400
    cause_nl = "De QR-code of de link is geen geldige ZORG-ID-code."
    cause_en = "The QR code or link is not a valid ZORG-ID code."
    solution_nl = "Scan de QR-code opnieuw, of vraag een nieuwe QR-code aan."
    solution_en = "Scan the QR code again, or request a new QR code."


class PayloadVersionUnsupported(ZorgidError):
    code = "ZID-QR-VERSION"
    status = 400
    cause_nl = "De QR-code is gemaakt voor een nieuwere versie van de app."
    cause_en = "The QR code was made for a newer version of the app."
    solution_nl = "Werk de ZORG-ID app bij en scan de QR-code opnieuw."
    solution_en = "Update the ZORG-ID app and scan the QR code again."


class MessageMalformed(ZorgidError):
    code = "ZID-REQUEST-MALFORMED"
    status = 400
    cause_nl = "Het verzoek is onvolledig of heeft een ongeldige vorm."
    cause_en = "The request is incomplete or malformed."
    solution_nl = "Werk de ZORG-ID app bij en probeer het opnieuw."
    solution_en = "Update the ZORG-ID app and try again."


# Answers of the server that the app acts on (docs/security.md): the app knows them by class, not by text.


class MobileIdRevoked(ZorgidError):
    code = "ZID-MOBILE-ID-REVOKED"
    status = 403
    cause_nl = "Dit ZORG-ID is ingetrokken en kan niet meer inloggen."
    cause_en = "This ZORG-ID has been revoked and can no longer log in."
    solution_nl = "Vraag uw beheerder om een nieuw certificaat met een QR-code."
    solution_en = "Ask your administrator for a new certificate with a QR code."


class MobileIdExpired(ZorgidError):
    code = "ZID-MOBILE-ID-EXPIRED"
    status = 403
    cause_nl = "Het certificaat van dit ZORG-ID is verlopen."
    cause_en = "The certificate of this ZORG-ID has expired."
    solution_nl = "Vraag uw beheerder om een nieuw certificaat met een QR-code."
    solution_en = "Ask your administrator for a new certificate with a QR code."


class PinProofWrong(ZorgidError):
    code = "ZID-PIN-WRONG"
    status = 403
    cause_nl = "De pincode is onjuist (gecontroleerd door de server)."
    cause_en = "The PIN is wrong (checked by the server)."
    solution_nl = "Probeer het opnieuw. Na 3 onjuiste pogingen moet u steeds langer wachten."
    solution_en = "Try again. After 3 wrong tries you have to wait longer each time."
    TRIES = re.compile(r"^([0-9]{1,4}) tries before a wait$")  # the server's detail (identities.keyshare)

    def tries_before_wait(self) -> int | None:
        """How many wrong PINs the server still takes before it makes the holder wait, when its detail says so."""
        found = self.TRIES.match(self.detail)
        return int(found.group(1)) if found else None

    def detail_in(self, language: str = "nl") -> str:
        tries = self.tries_before_wait()
        if tries is None:
            return super().detail_in(language)
        if language.startswith("en"):
            return f"The server takes {tries} more wrong PIN(s) before you have to wait."
        return f"Na nog {tries} onjuiste pincode(s) moet u wachten voor u het opnieuw kunt proberen."


class KeyShareWait(ZorgidError):
    code = "ZID-PIN-WAIT"
    status = 429
    cause_nl = "Er zijn te veel onjuiste pincodes ingevoerd voor dit ID."
    cause_en = "Too many wrong PINs have been entered for this ID."
    solution_nl = "Wacht even (zie detail) en probeer het dan opnieuw, of vraag uw beheerder om een nieuw ID."
    solution_en = "Wait a while (see detail) and try again, or ask your administrator for a new ID."
    SECONDS = re.compile(r"^([0-9]{1,9}) s$")  # the server's detail: the wait in seconds (identities.keyshare)

    def detail_in(self, language: str = "nl") -> str:
        found = self.SECONDS.match(self.detail)
        if found is None:
            return super().detail_in(language)
        seconds = int(found.group(1))
        if language.startswith("en"):
            return f"You can try again in {seconds} seconds."
        return f"U kunt het over {seconds} seconden opnieuw proberen."
