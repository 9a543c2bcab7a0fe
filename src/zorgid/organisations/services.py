"""Use cases of the organisations domain, each one transaction with its audit event."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.control_characters import LineRefused, clean_line
from zorgid.pki.uzi.errors import UraInvalid
from zorgid.pki.uzi.numbers import Ura

from .errors import OrganisationDataInvalid, OrganisationExists, OrganisationNotRegistered
from .models import Organisation

EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")  # a KvK number (the URA: pki.uzi.numbers.Ura)


def _clean(name: str) -> str:
    try:
        return clean_line(name, 200)
    except LineRefused as exc:
        raise OrganisationDataInvalid("name is empty, too long or has control characters") from exc


def add_organisation(*, name: str, ura: str, kvk: str, actor: str, ip: str = "") -> Organisation:
    """The operator enters an organisation (R-ROLE-OPR). The URA is unique."""
    name = _clean(name)
    try:
        ura = Ura(ura).value
    except UraInvalid as exc:
        raise OrganisationDataInvalid("URA must be 8 digits") from exc
    if not isinstance(kvk, str) or not EIGHT_DIGITS.match(kvk.strip()):
        raise OrganisationDataInvalid("KvK must be 8 digits")
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


def listed(limit: int) -> list[Organisation]:
    """The first ``limit`` organisations in name order (the operator's list)."""
    return list(Organisation.objects.all()[:limit])
