"""Use cases of the organisations domain, each one transaction with its audit event."""

from __future__ import annotations

import re
import unicodedata

from django.db import IntegrityError, transaction

from zorgid import clock
from zorgid.audit.services import record

from .errors import OrganisationDataInvalid, OrganisationExists, OrganisationNotRegistered
from .models import Organisation

EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")


def _clean(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name or len(name) > 200 or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise OrganisationDataInvalid("name is empty, too long or has control characters")
    return name


def add_organisation(*, name: str, ura: str, kvk: str, actor: str, ip: str = "") -> Organisation:
    """The operator enters an organisation (R-ROLE-OPR). The URA is unique."""
    name = _clean(name)
    for field, value in (("URA", ura), ("KvK", kvk)):
        if not isinstance(value, str) or not EIGHT_DIGITS.match(value.strip()):
            raise OrganisationDataInvalid(f"{field} must be 8 digits")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name, ura=ura.strip(), kvk=kvk.strip(), created_at=clock.now(), created_by=actor[:128]
            )
            record("organisation.added", actor=actor, subject=f"organisation:{organisation.ura}", ip=ip,
                   details={"name": name, "kvk": organisation.kvk})
    except IntegrityError as exc:
        raise OrganisationExists(f"URA {ura}") from exc
    return organisation


def registered_organisation(ura: str) -> Organisation:
    """The organisation with this URA, or the error that tells the card holder to register it first."""
    organisation = Organisation.objects.filter(ura=ura).first()
    if organisation is None:
        raise OrganisationNotRegistered(f"URA {ura}")
    return organisation
