"""The UZI register's numbers as values that check themselves when built: a URA and a UZI number (docs/uzi.md).

One rule each, for the certificate's otherName (othername.py), the organisation document, the portal's forms,
the employee import and ``zorgid org add``. No Django: the clients may use them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from .errors import UraInvalid, UziNumberInvalid


@dataclass(frozen=True)
class Ura:
    """An organisation's subscriber number in the UZI register: 8 digits (0-9). Spaces around it are dropped."""

    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{8}")
    text: str
    value: str = field(init=False)

    def __post_init__(self) -> None:
        value = self.text.strip() if isinstance(self.text, str) else ""
        if not self.PATTERN.fullmatch(value):
            raise UraInvalid(f"URA {str(self.text)[:20]!r} is not 8 digits")
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class UziNumber:
    """A card holder's UZI number: 9 digits (0-9). Spaces, also between the digits ("900 016 528"), are dropped."""

    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{9}")
    text: str
    value: str = field(init=False)

    def __post_init__(self) -> None:
        value = "".join(self.text.split()) if isinstance(self.text, str) else ""
        if not self.PATTERN.fullmatch(value):
            raise UziNumberInvalid(f"UZI number {str(self.text)[:20]!r} is not 9 digits")
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value
