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

from .errors import PayloadMalformed, PayloadVersionUnsupported

SCHEME = "zorgid"
DESKTOP_SCHEME = "zorgid-desktop"
VERSION = 1
MAX_PAYLOAD_LENGTH = 512
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ORIGIN_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?$")


def normalise_origin(value: str) -> str:
    """Return ``scheme://host[:port]`` for an http(s) origin, or raise PayloadMalformed."""
    if not isinstance(value, str) or len(value) > 200:
        raise PayloadMalformed("server address missing or too long")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayloadMalformed("server address must be an http(s) origin")
    if "@" in parts.netloc or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise PayloadMalformed("server address must be a bare origin")
    if not _ORIGIN_HOST.match(parts.netloc):
        raise PayloadMalformed("server address has an invalid host")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _check_token(value: str, what: str) -> str:
    if not TOKEN.match(value):
        raise PayloadMalformed(f"{what} has an invalid form")
    return value


@dataclass(frozen=True)
class ActivationPayload:
    """A one-time activation code, valid 10 days (R-CONST-REG)."""

    server: str
    code: str
    kind = "activate"

    def __post_init__(self) -> None:
        object.__setattr__(self, "server", normalise_origin(self.server))
        _check_token(self.code, "activation code")

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
        _check_token(self.flow, "flow id")

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
        _check_token(self.flow, "flow id")

    def to_uri(self) -> str:
        return f"{DESKTOP_SCHEME}://{self.kind}?v={VERSION}&server={quote(self.server, safe='')}&flow={self.flow}"


Payload = ActivationPayload | LoginPayload
_KINDS = {"activate": (ActivationPayload, "code"), "login": (LoginPayload, "flow")}
_DESKTOP_KINDS = {"card": (CardPayload, "flow")}


def parse_payload(text: str) -> Payload:
    """Parse a scanned QR payload or pasted link into a payload object."""
    return _parse(text, SCHEME, _KINDS)


def parse_desktop_payload(text: str) -> CardPayload:
    """Parse the ``zorgid-desktop://`` address the browser hands to the Desktop App."""
    return _parse(text, DESKTOP_SCHEME, _DESKTOP_KINDS)


def _parse(text: str, scheme: str, kinds: dict):
    if not isinstance(text, str):
        raise PayloadMalformed("payload is not text")
    text = text.strip()
    if not text or len(text) > MAX_PAYLOAD_LENGTH:
        raise PayloadMalformed("payload is empty or too long")
    parts = urlsplit(text)
    if parts.scheme != scheme or parts.netloc not in kinds or parts.path not in ("", "/") or parts.fragment:
        raise PayloadMalformed(f"not a {scheme}:// payload")
    try:
        query = parse_qs(parts.query, strict_parsing=True, max_num_fields=8)
    except ValueError as exc:
        raise PayloadMalformed("payload query is malformed") from exc
    if any(len(values) != 1 for values in query.values()):
        raise PayloadMalformed("payload repeats a field")
    fields = {key: values[0] for key, values in query.items()}
    version = fields.pop("v", None)
    if version is None or not version.isdigit():
        raise PayloadMalformed("payload has no version")
    if int(version) != VERSION:
        raise PayloadVersionUnsupported(f"payload version {version}")
    cls, token_field = kinds[parts.netloc]
    if set(fields) != {"server", token_field}:
        raise PayloadMalformed("payload fields are not as expected")
    return cls(fields["server"], fields[token_field])
