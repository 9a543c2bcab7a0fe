"""What an application learns of the person who logged in, by scope (docs/koppelen.md).

- ``openid``: ``sub``, pairwise: HMAC-SHA256 of the person's id under the application's own ``subject_salt``
  (hex), so two applications cannot match their users by it; ``acr`` and ``loa_authn`` (substantial: the Mobile
  app), ``amr`` (PIN, a software key, two factors; a login with a ZORG-ID Smartcard: "smartcard", smart card,
  hardware key, PIN, two factors), ``auth_time``, ``sid`` (and ``nonce`` in the ID token).
- ``profile``: the names as the identity document has them, with the Dutch surname prefix apart
  (identities.people.split_surname) and the initials.
- ``uzi``: the UZI number and ``loa_uzi`` (high) when the Mobile ID he logged in with has linked UZI attributes
  (those of another ID of his, such as a revoked one, are never claimed), or, after a login with a ZORG-ID
  Smartcard, those of the UZI-pas the card was made with (its UZI number, its URA and role); the organisation
  chosen for this login (``ura``, ``entity_name``); ``relations``: every organisation where he holds a role, the
  chosen one first, with the UZI role codes of that Mobile ID (or card) for its URA and his zorgid roles there.
- ``wid_check``: the latest WID check of a patient's document that he recorded with his WID scan app
  (zorgid.widscan; docs/architecture.md, "The WID scan app") within WID_CHECK_WINDOW, or null: the document type,
  the last four characters of its number, its expiry, the outcome, the checks that failed and when (seconds since
  1970, as ``auth_time``). Never the whole number nor a name: the check holds neither.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from zorgid import clock
from zorgid.care_apps.models import CareApplication
from zorgid.identities.models import Person, UziRegistration
from zorgid.identities.people import split_surname
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.widscan.models import WidScanCheck, WidScanPurpose

from .models import AppSession

SCOPES = ("openid", "profile", "uzi", "wid_check")
LOA_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"  # the Mobile app
LOA_HIGH = "http://eidas.europa.eu/LoA/high"  # a UZI-pas
AMR = ["pin", "swk", "mfa"]  # RFC 8176: a PIN, a software-secured key, more than one factor
# a ZORG-ID Smartcard: zorgid's own value, then RFC 8176's smart card, hardware-secured key, PIN, more than one factor
AMR_SMARTCARD = ["smartcard", "sc", "hwk", "pin", "mfa"]
ORGANISATION_ROLES = (Role.ADMINISTRATOR, Role.BEHEERDER, Role.MEDEWERKER)  # the order of zorgid_roles
# The application asks right after the employee scanned the patient's document at the desk: a check older than
# this is of an earlier patient, not of the one in front of him, and is not handed out.
WID_CHECK_WINDOW = dt.timedelta(minutes=15)

CLAIMS_BY_SCOPE = {
    "openid": ("sub", "acr", "loa_authn", "amr", "auth_time", "sid", "nonce"),
    "profile": ("given_name", "family_name", "initials", "surname_prefix", "surname", "name"),
    "uzi": ("uzi_id", "loa_uzi", "ura", "entity_name", "relations"),
    "wid_check": ("wid_check",),
}


def subject(application: CareApplication, person_id: str) -> str:
    """The pairwise ``sub`` of a person at an application (hex HMAC-SHA256 under its subject_salt)."""
    return hmac.new(application.subject_salt.encode(), person_id.encode(), hashlib.sha256).hexdigest()


def initials(first_names: str) -> str:
    """"Jan Willem" → "J.W."; "Anne-Marie" → "A.M." (one initial for each first name and each part of one)."""
    parts = [part for word in first_names.split() for part in word.split("-") if part]
    return "".join(f"{part[0].upper()}." for part in parts)


def authentication_claims(session: AppSession) -> dict[str, object]:
    """``openid``'s claims of the login (without ``nonce`` and ``auth_time``, which the code carries)."""
    return {"sub": session.subject, "sid": session.sid, "acr": LOA_SUBSTANTIAL, "loa_authn": LOA_SUBSTANTIAL,
            "amr": list(AMR_SMARTCARD if session.smartcard_id else AMR)}


def profile_claims(person: Person) -> dict[str, object]:
    prefix, main = split_surname(person.last_name)
    return {"given_name": person.first_names, "family_name": person.last_name,
            "initials": initials(person.first_names), "surname_prefix": prefix, "surname": main,
            "name": person.full_name}


def uzi_claims(session: AppSession) -> dict[str, object]:
    person, chosen = session.person, session.organisation
    # only the UZI attributes linked to the Mobile ID he logged in with: not those of an ID he had before; a ZORG-ID
    # Smartcard's are those of the UZI-pas it was made with (checked then), for the organisation it was made for
    if session.smartcard_id is not None:
        card = session.smartcard
        registrations = [(card.uzi_number, card.ura, card.role)]
    else:
        registrations = list(UziRegistration.objects.filter(mobile_id_id=session.mobile_id_id)
                             .order_by("-registered_at", "-id").values_list("uzi_number", "ura", "role")
                             ) if session.mobile_id_id is not None else []
    claims: dict[str, object] = {}
    if registrations:
        claims.update(uzi_id=registrations[0][0], loa_uzi=LOA_HIGH)
    if chosen is not None:
        claims.update(ura=chosen.ura, entity_name=chosen.name)
    held: dict[str, dict[str, object]] = {}
    for assignment in (RoleAssignment.objects.filter(person=person, organisation__isnull=False)
                       .select_related("organisation").order_by("organisation__name", "organisation__ura")):
        organisation = assignment.organisation
        relation = held.setdefault(organisation.ura, {
            "ura": organisation.ura, "entity_name": organisation.name,
            "roles": sorted({role for _, ura, role in registrations if ura == organisation.ura}),
            "zorgid_roles": []})
        relation["zorgid_roles"].append(assignment.role)
    for relation in held.values():
        relation["zorgid_roles"] = [role for role in ORGANISATION_ROLES if role in relation["zorgid_roles"]]
    first = [held.pop(chosen.ura)] if chosen is not None and chosen.ura in held else []
    claims["relations"] = first + list(held.values())
    return claims


def latest_wid_check(session: AppSession) -> WidScanCheck | None:
    """The person's latest recorded check of a patient's document within WID_CHECK_WINDOW (an employee's own
    document, purpose medewerker, is for his registration, never for an application), or None.

    The token exchange keeps the one it found on the session (``wid_check_given``, see ``Provider.save_token``), so
    that the ID token holds the check its audit event names."""
    if hasattr(session, "wid_check_given"):
        return session.wid_check_given
    return (WidScanCheck.objects.filter(person_id=session.person_id, purpose=WidScanPurpose.PATIENT,
                                        checked_at__gte=clock.now() - WID_CHECK_WINDOW)
            .order_by("-checked_at", "-recorded_at", "-id").first())


def hands_out_wid_check(session: AppSession, scope: str) -> bool:
    """Whether a token of ``scope`` carries ``wid_check``: asked, and allowed for the application now (the operator
    may have withdrawn it since the login began: then no check is handed out, not even at userinfo)."""
    return "wid_check" in scope.split() and session.application.wid_check_allowed


def wid_check_claim(check: WidScanCheck | None) -> dict[str, object] | None:
    """``wid_check``: what the check holds, never more (the last four characters of the number, no names)."""
    if check is None:
        return None
    return {"document_type": check.document_type, "number_last4": check.number_last4,
            "expiry_date": check.expiry_date.isoformat(), "outcome": check.outcome,
            "failed_checks": list(check.failed_checks), "checked_at": int(check.checked_at.timestamp())}


def _scope_claims(session: AppSession, scope: str) -> dict[str, object]:
    claims: dict[str, object] = {}
    scopes = set(scope.split())
    if "profile" in scopes:
        claims.update(profile_claims(session.person))
    if "uzi" in scopes:
        claims.update(uzi_claims(session))
    if hands_out_wid_check(session, scope):
        claims["wid_check"] = wid_check_claim(latest_wid_check(session))
    return claims


def id_token_claims(session: AppSession, scope: str) -> dict[str, object]:
    """The ID token's claims of the person and the login for ``scope`` (the code adds nonce and auth_time)."""
    return {**authentication_claims(session), **_scope_claims(session, scope)}


def userinfo_claims(session: AppSession, scope: str) -> dict[str, object]:
    """What ``/oidc/userinfo`` answers for a token of ``scope``: ``sub`` and the claims of profile, uzi and
    wid_check (the latest check as it is now: one recorded after the token exchange counts)."""
    return {"sub": session.subject, **_scope_claims(session, scope)}
