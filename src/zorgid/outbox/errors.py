"""Errors of the development mail (R-ERR): a stored mail or attachment that is not there."""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError


class DevMailUnknown(ZorgidError):
    code = "ZID-DEV-MAIL-UNKNOWN"
    status = 404
    cause_nl = "Deze bewaarde e-mail of bijlage bestaat niet (meer)."
    cause_en = "This stored e-mail or attachment does not exist (any more)."
    solution_nl = ("Kies de e-mail in het overzicht op /dev/mail of met 'zorgid dev mail list'; 'zorgid purge' "
                   "verwijdert bewaarde e-mails na de bewaartermijn.")
    solution_en = ("Choose the e-mail in the list at /dev/mail or with 'zorgid dev mail list'; 'zorgid purge' "
                   "removes stored e-mails after the retention period.")
