"""The Mobile ID as the app keeps it: holder, certificate and the server it belongs to.

The same checks read the server's activation answer and the stored ``id.json``: both are outside
input to this program (R-SEC-INPUT), only the error differs (the server's answer or a damaged file).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cryptography import x509

from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.payloads import TOKEN

from ..terminal import printable as terminal_printable

MAX_NAME_CHARS = 200
MAX_PEM_CHARS = 8192
MAX_CHAIN = 5
_DATE = re.compile(r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Holder:
    """The identity as in the WID; the birth date is kept as shown, dd-mm-jjjj (R-CONST-DATE)."""

    first_names: str
    last_name: str
    birth_date: str

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"

    @property
    def shown_name(self) -> str:
        """The name as the terminal shows it: nothing that moves the cursor, hides or reorders text."""
        return printable(self.full_name, 2 * MAX_NAME_CHARS + 1)

    def as_dict(self) -> dict:
        return {"first_names": self.first_names, "last_name": self.last_name, "birth_date": self.birth_date}


@dataclass(frozen=True)
class MobileIdentity:
    mobile_id: str
    server: str
    holder: Holder
    certificate_pem: str
    chain_pem: tuple[str, ...]

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem.encode("ascii"))

    @property
    def valid_until(self) -> date:
        """The last day the certificate is valid, as the Netherlands count days (Europe/Amsterdam)."""
        return self.certificate.not_valid_after_utc.astimezone(ZoneInfo("Europe/Amsterdam")).date()

    def as_dict(self) -> dict:
        return {
            "mobile_id": self.mobile_id,
            "server": self.server,
            "holder": self.holder.as_dict(),
            "certificate": self.certificate_pem,
            "chain": list(self.chain_pem),
        }


def parse_identity(data: dict, server: str, error: type[ZorgidError]) -> MobileIdentity:
    """Build a MobileIdentity from untrusted ``data``; anything unexpected raises ``error``."""
    mobile_id = data.get("mobile_id")
    if not isinstance(mobile_id, str) or not TOKEN.match(mobile_id):
        raise error("mobile_id missing or malformed")
    chain = data.get("chain", [])
    if not isinstance(chain, list) or len(chain) > MAX_CHAIN:
        raise error("chain must be a list of at most 5 certificates")
    return MobileIdentity(
        mobile_id=mobile_id,
        server=server,
        holder=parse_holder(data.get("holder"), error),
        certificate_pem=_parse_pem(data.get("certificate"), error),
        chain_pem=tuple(_parse_pem(item, error) for item in chain),
    )


def parse_holder(value: object, error: type[ZorgidError]) -> Holder:
    """The holder's names and birth date from untrusted ``value`` (the activation, id.json, a correction)."""
    if not isinstance(value, dict):
        raise error("holder missing")
    first, last, born = (value.get(name) for name in ("first_names", "last_name", "birth_date"))
    for text in (first, last):
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_NAME_CHARS:
            raise error("holder name missing or too long")
        if _CONTROL.search(text):
            raise error("holder name contains control characters")
    if not isinstance(born, str) or not _DATE.match(born):
        raise error("birth_date must be dd-mm-jjjj")
    try:
        datetime.strptime(born, "%d-%m-%Y")
    except ValueError as exc:
        raise error("birth_date is not a date") from exc
    return Holder(first_names=first.strip(), last_name=last.strip(), birth_date=born)


def _parse_pem(value: object, error: type[ZorgidError]) -> str:
    if not isinstance(value, str) or len(value) > MAX_PEM_CHARS or not value.isascii():
        raise error("certificate missing or too long")
    try:
        x509.load_pem_x509_certificate(value.encode("ascii"))
    except ValueError as exc:
        raise error("certificate is not a PEM X.509 certificate") from exc
    return value


# Unicode's control, format (zero-width, bidirectional), surrogate, private-use and unassigned characters, and
# line and paragraph separators: none belongs in a name or a message shown in the terminal.
_NOT_SHOWN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def printable(text: str, limit: int = MAX_NAME_CHARS) -> str:
    """Text from a server made safe for a terminal (zorgid.clients.terminal), and without any invisible or
    reordering character (a name must read as it is)."""
    shown = "".join(ch for ch in terminal_printable(text, len(text)) if unicodedata.category(ch) not in _NOT_SHOWN)
    return shown[:limit].strip()
