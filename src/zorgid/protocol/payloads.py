"""QR payloads: versioned ``zorgid://`` URIs (R-FLOW-LOGIN, R-CONST-REG).

Two kinds exist for the app, one for the Desktop App (which the browser launches)::

    zorgid://activate?v=1&server=https%3A%2F%2Fportal.example&code=<activation code>
    zorgid://login?v=1&server=https%3A%2F%2Fportal.example&flow=<login flow id>
    zorgid-desktop://card?v=1&server=https%3A%2F%2Fportal.example&flow=<card flow id>

``server`` is the origin of the zorgid server that made the code; the app only talks to the server
its ID belongs to. Everything read from a QR is outside input: it is bounded and validated here, and
anything unexpected raises :class:`PayloadMalformed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from .errors import Detail, PayloadMalformed, PayloadVersionUnsupported

SCHEME = "zorgid"
DESKTOP_SCHEME = "zorgid-desktop"
VERSION = 1
MAX_PAYLOAD_LENGTH = 512
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ORIGIN_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?$")


def normalise_origin(value: str) -> str:
    """Return ``scheme://host[:port]`` for an http(s) origin, or raise PayloadMalformed."""
    if not isinstance(value, str) or len(value) > 200:
        raise PayloadMalformed(Detail("serveradres ontbreekt of is te lang", "server address missing or too long"))
    try:
        parts = urlsplit(value.strip())
    except ValueError as exc:  # e.g. an unclosed [ of an IPv6 address
        raise PayloadMalformed(Detail("het serveradres is onleesbaar", "server address is unreadable")) from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayloadMalformed(Detail("het serveradres is geen http(s)-adres",
                                      "server address must be an http(s) origin"))
    if "@" in parts.netloc or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise PayloadMalformed(Detail("het serveradres mag geen pad of vraag hebben",
                                      "server address must be a bare origin"))
    if not _ORIGIN_HOST.match(parts.netloc):
        raise PayloadMalformed(Detail("het serveradres heeft een ongeldige host", "server address has an invalid host"))
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _check_token(value: str, what_nl: str, what_en: str) -> str:
    if not TOKEN.match(value):
        raise PayloadMalformed(Detail(f"{what_nl} heeft een ongeldige vorm", f"{what_en} has an invalid form"))
    return value


@dataclass(frozen=True)
class ActivationPayload:
    """A one-time activation code, valid 10 days (R-CONST-REG)."""

    server: str
    code: str
    kind = "activate"

    def __post_init__(self) -> None:
        object.__setattr__(self, "server", normalise_origin(self.server))
        _check_token(self.code, "de activatiecode", "activation code")

    def to_uri(self) -> str:
        return f"{SCHEME}://{self.kind}?v={VERSION}&server={quote(self.server, safe='')}&code={self.code}"


@dataclass(frozen=True)
class LoginPayload:
    """A login flow to approve, valid 5 minutes (R-CONST-LOGIN)."""

    server: str
    flow: str
    kind = "login"

    def __post_init__(self) -> None:
        object.__setattr__(self, "server", normalise_origin(self.server))
        _check_token(self.flow, "het sessie-id", "flow id")

    def to_uri(self) -> str:
        return f"{SCHEME}://{self.kind}?v={VERSION}&server={quote(self.server, safe='')}&flow={self.flow}"


@dataclass(frozen=True)
class CardPayload:
    """A card session the Desktop App is asked to answer with a card (valid 5 minutes)."""

    server: str
    flow: str
    kind = "card"

    def __post_init__(self) -> None:
        object.__setattr__(self, "server", normalise_origin(self.server))
        _check_token(self.flow, "het sessie-id", "flow id")

    def to_uri(self) -> str:
        return f"{DESKTOP_SCHEME}://{self.kind}?v={VERSION}&server={quote(self.server, safe='')}&flow={self.flow}"


Payload = ActivationPayload | LoginPayload
_KINDS = {"activate": (ActivationPayload, "code"), "login": (LoginPayload, "flow")}
_DESKTOP_KINDS = {"card": (CardPayload, "flow")}


def parse_payload(text: str) -> Payload:
    """Parse a scanned QR payload or pasted link into a payload object."""
    return parse_uri(text, SCHEME, _KINDS)


def parse_desktop_payload(text: str) -> CardPayload:
    """Parse the ``zorgid-desktop://`` address the browser hands to the Desktop App."""
    return parse_uri(text, DESKTOP_SCHEME, _DESKTOP_KINDS)


def parse_uri(text: str, scheme: str, kinds: dict):
    """Read a ``scheme://kind?v=1&server=…&<token fields>`` payload; ``kinds`` maps each kind to its class and its
    token field (or fields, in the order the class takes them after the server)."""
    if not isinstance(text, str):
        raise PayloadMalformed(Detail("de code is geen tekst", "payload is not text"))
    text = text.strip()
    if not text or len(text) > MAX_PAYLOAD_LENGTH:
        raise PayloadMalformed(Detail("de code is leeg of te lang", "payload is empty or too long"))
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed [ of an IPv6 address
        raise PayloadMalformed(Detail("de code is onleesbaar", "payload is unreadable")) from exc
    if parts.scheme != scheme or parts.netloc not in kinds or parts.path not in ("", "/") or parts.fragment:
        raise PayloadMalformed(Detail(f"geen {scheme}://-code", f"not a {scheme}:// payload"))
    try:
        query = parse_qs(parts.query, strict_parsing=True, max_num_fields=8)
    except ValueError as exc:
        raise PayloadMalformed(Detail("de velden van de code zijn onleesbaar", "payload query is malformed")) from exc
    if any(len(values) != 1 for values in query.values()):
        raise PayloadMalformed(Detail("de code herhaalt een veld", "payload repeats a field"))
    fields = {key: values[0] for key, values in query.items()}
    version = fields.pop("v", None)
    if version is None or not version.isdigit():
        raise PayloadMalformed(Detail("de code heeft geen versie", "payload has no version"))
    if int(version) != VERSION:
        raise PayloadVersionUnsupported(Detail(f"versie {version} van de code", f"payload version {version}"))
    cls, token_fields = kinds[parts.netloc]
    token_fields = (token_fields,) if isinstance(token_fields, str) else token_fields
    if set(fields) != {"server", *token_fields}:
        raise PayloadMalformed(Detail("de code heeft andere velden dan verwacht", "payload fields are not as expected"))
    return cls(fields["server"], *(fields[name] for name in token_fields))
