"""The name of a phone as the organisation's beheerder sees it next to a Mobile ID ("iPhone van Jan").

The app sends it with the activation and with the new device key after a restore (zorgid.protocol.bodies; an
optional field, docs/architecture.md "The protocol"); the server stores it on the Mobile ID, the pages show it
(administration.display_names). One rule for both sides, so the app refuses a name before the server would: one
line of at most MAX_DEVICE_NAME_CHARS characters after trimming, in NFC, without any Unicode control, format
(zero-width, bidirectional), surrogate, private-use or unassigned character.
"""

from __future__ import annotations

import unicodedata

from .errors import Detail, ZorgidError

MAX_DEVICE_NAME_CHARS = 64
MAX_DEVICE_NAME_WIRE_CHARS = 256  # what the field may carry: a longer name is refused by this rule, with its code


class DeviceNameInvalid(ZorgidError):
    code = "ZID-DEVICE-NAME-INVALID"
    status = 400
    cause_nl = (f"De naam van het toestel is leeg, langer dan {MAX_DEVICE_NAME_CHARS} tekens of bevat een "
                "onzichtbaar teken (zoals een regeleinde of een richtingsteken).")
    cause_en = (f"The device name is empty, longer than {MAX_DEVICE_NAME_CHARS} characters or contains an invisible "
                "character (such as a line break or a direction mark).")
    solution_nl = (f"Kies een naam van 1 tot {MAX_DEVICE_NAME_CHARS} gewone tekens, zoals 'iPhone van Jan' "
                   "(zorgid-app: de optie --toestel).")
    solution_en = (f"Choose a name of 1 to {MAX_DEVICE_NAME_CHARS} ordinary characters, such as 'iPhone van Jan' "
                   "(zorgid-app: the option --toestel).")


def clean_device_name(text: object) -> str:
    """The name trimmed and in NFC; DeviceNameInvalid with the reason when it breaks the rule."""
    value = unicodedata.normalize("NFC", text.strip()) if isinstance(text, str) else ""
    if not value:
        raise DeviceNameInvalid(Detail("de naam is leeg", "the name is empty"))
    if len(value) > MAX_DEVICE_NAME_CHARS:
        raise DeviceNameInvalid(Detail(f"{len(value)} tekens", f"{len(value)} characters"))
    for ch in value:
        if unicodedata.category(ch).startswith("C") or unicodedata.category(ch) in ("Zl", "Zp"):
            raise DeviceNameInvalid(Detail(f"teken U+{ord(ch):04X}", f"character U+{ord(ch):04X}"))
    return value
