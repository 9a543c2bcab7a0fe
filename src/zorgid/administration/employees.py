"""What a portal administrator and beheerder do with their organisation's people (R-ROLE-ADM, R-ROLE-BEH,
R-FLOW-BEHREG, R-FLOW-PIN). Every function is scoped to one organisation and records its audit event.

Who may act on whom (docs/security.md): each role a person holds is managed by someone above it. His operator
role only by an operator; an administrator or beheerder role in an organisation only by an administrator of that
organisation; a medewerker role by an administrator or beheerder of that organisation; an operator manages
everyone. What an action touches decides which of the person's roles count (``Scope``): a new activation QR
makes whoever scans it that person, with every role he holds anywhere, so all of them count.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from zorgid import clock
from zorgid.audit.services import record
from zorgid.control_characters import LineRefused, check, clean_line
from zorgid.identities import corrections
from zorgid.identities.errors import PersonDataInvalid
from zorgid.identities.models import (
    ActivationCode,
    MobileId,
    MobileIdStatus,
    Person,
    UziRegistration,
    WidCheck,
    WidCheckMethod,
)
from zorgid.identities.people import check_birth_date, clean_name, find_same_person, searchable
from zorgid.identities.services import IssuedActivation, issue_activation_code, revoke_mobile_id
from zorgid.identities.signals import sessions_ended
from zorgid.identities.smartcards import active_smartcard_serials
from zorgid.organisations import memberships, roles
from zorgid.organisations.errors import (
    AdministratorOnly,
    EmployeeListPageUnknown,
    EmployeeUnknown,
    LastAdministrator,
    ManagedElsewhere,
    OperatorOnly,
    WidDocumentExpired,
)
from zorgid.organisations.models import Membership, Organisation, Role, RoleAssignment
from zorgid.organisations.roles import grant_role
from zorgid.organisations.smartcard_links import unlink_person
from zorgid.pki import certificate_status
from zorgid.pki.ca import MOBILE_ID_CA
from zorgid.pki.smartcard_ca import SMARTCARD_CA
from zorgid.protocol.errors import ZorgidError
from zorgid.widscan import services as widscan
from zorgid.widscan.models import WidScanCheck

from .correction_errors import CorrectionOfOneself, CorrectionReasonInvalid, CorrectionUnchanged

PAGE_SIZE = 25
MAX_PAGE_NUMBER = 1_000_000  # the page number a link carries; far beyond any organisation's list
NAME_ORDER = ("last_name", "first_names", "person_id")
CURSOR = re.compile(r"[0-9a-f]{32}")  # a person's id (identities.models.new_public_id)


@dataclass(frozen=True)
class Wid:
    """The face-to-face check of the identity document (R-FLOW-BEHREG)."""

    document_type: str
    number_last4: str
    expiry_date: dt.date

    @classmethod
    def from_scan(cls, check: WidScanCheck) -> Wid:
        """The document's data as the beheerder's WID scan app recorded them."""
        return cls(check.document_type, check.number_last4, check.expiry_date)


@dataclass(frozen=True)
class ScannedWid:
    """The WID check made with the beheerder's own linked WID scan app (R-FLOW-WIDSCAN): the code it showed.
    ``record_wid_check`` takes it (zorgid.widscan.services.take_reference) and records the document it names."""

    reference: str


class Scope(enum.Enum):
    """Which of the person's roles an action touches, and so who may do it."""

    EVERYWHERE = "everywhere"  # a new activation QR: its holder is the person, in every organisation
    ID = "id"  # block, unblock, revoke: his ID stops (or works again) everywhere; his plain medewerker roles
    # elsewhere do not count, so either organisation of a nurse who works in two handles his lost phone
    HERE = "here"  # delete: only his roles here go (and his operator role always counts)


# the roles whose holders in the same organisation manage a role; the operator role has none (operators only)
MANAGED_BY = {Role.OPERATOR: (), Role.ADMINISTRATOR: (Role.ADMINISTRATOR,), Role.BEHEERDER: (Role.ADMINISTRATOR,),
              Role.MEDEWERKER: (Role.ADMINISTRATOR, Role.BEHEERDER)}
MANAGING_ROLES = (Role.OPERATOR, Role.ADMINISTRATOR, Role.BEHEERDER)


def refusal(organisation: Organisation, person: Person, by: Person, scope: Scope) -> ZorgidError | None:
    """Why ``by``, a manager of ``organisation`` (the pages check that first: portal.access.require_org_role),
    may not act on ``person`` with an action of ``scope``; None if he may."""
    return refusal_of(organisation, roles.held(person), roles.held(by), scope)


def refusal_of(organisation: Organisation, his: set, held: set, scope: Scope) -> ZorgidError | None:
    """``refusal`` for roles read already: ``his`` of the person, ``held`` of the manager (roles.held)."""
    if (None, Role.OPERATOR) in held:
        return None
    unmanaged = [(where, role) for where, role in his if _counts(scope, organisation, where, role)
                 and not (where == organisation.id and role == Role.MEDEWERKER)  # any manager here
                 and not any((where, manager) in held for manager in MANAGED_BY[role])]
    if any(role == Role.OPERATOR for _, role in unmanaged):
        return OperatorOnly()
    if any(where == organisation.id for where, _ in unmanaged):
        return AdministratorOnly(f"URA {organisation.ura}")
    if unmanaged:
        return ManagedElsewhere()
    return None


def _counts(scope: Scope, organisation: Organisation, where: int | None, role: str) -> bool:
    if scope is Scope.EVERYWHERE or where == organisation.id or role == Role.OPERATOR:
        return True
    return scope is Scope.ID and role in MANAGING_ROLES


def require_may_manage(organisation: Organisation, person: Person, by: Person, scope: Scope) -> None:
    """Raise the refusal, if any; call inside the action's transaction, after the person's row is locked."""
    refused = refusal(organisation, person, by, scope)
    if refused is not None:
        raise refused


def _lock(person: Person) -> Person:
    """The person's row, locked until the end of the transaction (roles granted meanwhile wait: memberships)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def active_mobile_ids(person: Person) -> list[str]:
    return list(person.mobile_ids.filter(status=MobileIdStatus.ACTIVE).order_by("activated_at")
                .values_list("id", flat=True))


@dataclass(frozen=True)
class Handover:
    """What the registration or the "Nieuwe QR-code" page hands over.

    ``issued`` is the new activation QR, or None when an existing person was linked who already has an active
    ID (he logs in with it; no QR). ``active_mobile_ids``: his IDs that were active before and stay active.
    """

    person: Person
    issued: IssuedActivation | None
    active_mobile_ids: list[str] = field(default_factory=list)
    linked: bool = False  # an existing person of this organisation, not a new one


def _actor(person: Person) -> str:
    return f"person:{person.id}"


def _subject(person: Person) -> str:
    return f"person:{person.id}"


def check_wid(wid: Wid) -> None:
    """The identity document must be valid today (ZID-WID-EXPIRED)."""
    if wid.expiry_date < clock.today():
        raise WidDocumentExpired(f"verlopen op {clock.format_date(wid.expiry_date)}")


def previewed_wid(wid: Wid | ScannedWid, *, by: Person, birth_date: dt.date) -> Wid:
    """The document a WID check names, refused as ``record_wid_check`` would refuse it for a person born on
    ``birth_date``, but nothing recorded or taken: for a page that shows it before its confirmation (nobody
    confirms what is then refused)."""
    if isinstance(wid, ScannedWid):
        scan = widscan.peek_reference(wid.reference, beheerder=by)
        widscan.check_holder(scan, birth_date)
        wid = Wid.from_scan(scan)
    check_wid(wid)
    return wid


def record_wid_check(organisation: Organisation, person: Person, wid: Wid | ScannedWid, *, checked_by: Person,
                     ip: str, birth_date: dt.date | None = None) -> WidCheck:
    """The WID check, typed or scanned (``method``); call inside the action's transaction: a scanned one's code
    is used by it, and stays unused if the action is refused after all. A scanned document whose MRZ gives
    another birth date than the person's (``birth_date`` when it is being corrected) is refused."""
    scan = None
    if isinstance(wid, ScannedWid):
        scan = widscan.take_reference(wid.reference, beheerder=checked_by)
        widscan.check_holder(scan, birth_date or person.birth_date)
        wid = Wid.from_scan(scan)
    check_wid(wid)
    check = WidCheck.objects.create(person=person, organisation=organisation, document_type=wid.document_type,
                                    number_last4=wid.number_last4.upper(), expiry_date=wid.expiry_date,
                                    checked_by=checked_by, checked_at=clock.now(),
                                    method=WidCheckMethod.GESCAND if scan else WidCheckMethod.GETYPT)
    details = {"ura": organisation.ura, "document": wid.document_type, "last4": check.number_last4,
               "method": check.method}
    if scan is not None:
        widscan.used_for(scan, check)
        details["widscan_check"] = scan.id
    record("wid.checked", actor=_actor(checked_by), subject=_subject(person), ip=ip, details=details)
    return check


def register_employee(organisation: Organisation, *, first_names: str, last_name: str, birth_date: dt.date,
                      wid: Wid | ScannedWid, by: Person, ip: str = "") -> Handover:
    """R-FLOW-BEHREG: names and birth date as in the WID, the WID check, then a hand-over QR (10 days, once).

    Someone who is already a person of this organisation (same names and birth date) is linked, not made anew,
    and gets no QR while he has an active ID; without one, a QR only if ``by`` may manage every role he holds
    (``Scope.EVERYWHERE``). A same-named person of another organisation only is never matched: he becomes a new,
    separate person here, so that no one reaches another organisation's people (or learns of them) this way.
    """
    first_names, last_name = clean_name(first_names, "first names"), clean_name(last_name, "last name")
    check_birth_date(birth_date)
    with transaction.atomic():
        person = find_same_person(organisation, first_names, last_name, birth_date)
        if person is None:
            person = Person.objects.create(first_names=first_names, last_name=last_name, birth_date=birth_date,
                                           created_at=clock.now())
            record("person.registered", actor=_actor(by), subject=_subject(person), ip=ip,
                   details={"ura": organisation.ura, "route": "beheerder"})
            linked = False
        else:
            person, linked = _lock(person), True
        grant_role(person, Role.MEDEWERKER, organisation, actor=_actor(by), ip=ip)
        record_wid_check(organisation, person, wid, checked_by=by, ip=ip)
        active = active_mobile_ids(person)
        if linked:
            record("employee.linked", actor=_actor(by), subject=_subject(person), ip=ip,
                   details={"ura": organisation.ura, "existing_mobile_ids": active})
            if active:
                return Handover(person, None, active, linked=True)
            require_may_manage(organisation, person, by, Scope.EVERYWHERE)
        return Handover(person, _new_qr(person, by, ip), active, linked)


def reissue(organisation: Organisation, person: Person, wid: Wid | ScannedWid, *, by: Person, ip: str = "") -> Handover:
    """A new activation QR (expired QR, lost phone, forgotten PIN without backup), after a new WID check; only by
    someone who may manage every role the person holds, in every organisation (``Scope.EVERYWHERE``). His
    active IDs stay active (the page and the audit event name them; revoke them on his page)."""
    employee(organisation, person.id)
    with transaction.atomic():
        person = _lock(person)
        require_may_manage(organisation, person, by, Scope.EVERYWHERE)
        record_wid_check(organisation, person, wid, checked_by=by, ip=ip)
        return Handover(person, _new_qr(person, by, ip), active_mobile_ids(person))


def _new_qr(person: Person, by: Person, ip: str) -> IssuedActivation:
    """One valid activation QR at a time: the ones not yet used expire now. The audit event
    ``activation_code.issued`` names the person and his active IDs (identities.services)."""
    ActivationCode.objects.filter(person=person, used_at__isnull=True).update(expires_at=clock.now())
    return issue_activation_code(person, actor=_actor(by), ip=ip)


REASON_MAX = 500  # characters of a correction's reason


def correction_reason(text: str) -> str:
    """A correction's reason as kept: line breaks become spaces, 1 to REASON_MAX characters, no control or format
    character (a control character is ZID-INPUT-CONTROL-CHARACTER, as everywhere; the rest ZID-CORRECTION-REASON)."""
    text = text if isinstance(text, str) else ""
    check(text, "reason", whitespace=True)
    try:
        return clean_line(" ".join(text.split()), REASON_MAX)
    except LineRefused as refused:
        raise CorrectionReasonInvalid(refused.reason) from refused


def require_may_correct(organisation: Organisation, person: Person, by: Person) -> None:
    """The refusals of ``change`` that need no input (himself; someone ``by`` may not manage everywhere), so that
    the page refuses before its form is filled in; ``change`` checks again, with the person's row locked."""
    if person.id == by.id:
        raise CorrectionOfOneself()
    require_may_manage(organisation, person, by, Scope.EVERYWHERE)


def _data(first_names: str, last_name: str, birth_date: dt.date) -> dict[str, str]:
    return {"first_names": first_names, "last_name": last_name, "birth_date": birth_date.isoformat()}


def unchanged(person: Person, first_names: str, last_name: str, birth_date: dt.date) -> bool:
    """The data as entered (cleaned) are the person's own: nothing to correct (``change`` refuses it too)."""
    return _data(person.first_names, person.last_name, person.birth_date) == _data(first_names, last_name, birth_date)


def change(organisation: Organisation, person: Person, *, first_names: str, last_name: str, birth_date: dt.date,
           wid: Wid | ScannedWid | None, by: Person, reason: str, ip: str = "") -> Person:
    """Correct a person's names and birth date (R-ROLE-OPR, R-ROLE-BEH; docs/security.md, "Correcting a person's
    data"): only by someone who may manage every role he holds (``Scope.EVERYWHERE``: his names are his in every
    organisation and at every application), never by himself, with a reason; once his identity is active, only
    after a new WID check. The audit event ``person.changed`` keeps the data before and after, and the reason; he
    is told at each app's next use and once on the portal's overview (identities.corrections)."""
    employee(organisation, person.id)
    first_names, last_name = clean_name(first_names, "first names"), clean_name(last_name, "last name")
    check_birth_date(birth_date)
    reason = correction_reason(reason)
    with transaction.atomic():
        person = _lock(person)
        require_may_correct(organisation, person, by)
        before, after = (_data(person.first_names, person.last_name, person.birth_date),
                         _data(first_names, last_name, birth_date))
        if before == after:
            raise CorrectionUnchanged()
        if wid is None and person.mobile_ids.filter(status=MobileIdStatus.ACTIVE).exists():
            raise PersonDataInvalid("a new WID check is needed to change an active identity")
        if wid is not None:
            record_wid_check(organisation, person, wid, checked_by=by, ip=ip, birth_date=birth_date)
        Person.objects.filter(pk=person.pk).update(first_names=first_names, last_name=last_name, birth_date=birth_date)
        memberships.renamed(person)
        servicedesk = (None, Role.OPERATOR) in roles.held(by)
        corrections.corrected(person, by=corrections.SERVICEDESK if servicedesk else organisation.name,
                              at=clock.now())
        record("person.changed", actor=_actor(by), subject=_subject(person), ip=ip,
               details={"ura": organisation.ura, "before": before, "after": after, "reason": reason,
                        "by": "servicedesk" if servicedesk else "organisation"})
    person.refresh_from_db()
    return person


def revoke(organisation: Organisation, mobile_id: str, *, by: Person, ip: str = "") -> None:
    found = MobileId.objects.filter(id=mobile_id, person__roles__organisation=organisation).select_related(
        "person").first() if isinstance(mobile_id, str) and len(mobile_id) <= 64 else None
    if found is None:
        raise EmployeeUnknown(f"Mobile ID {str(mobile_id)[:64]}")
    with transaction.atomic():
        require_may_manage(organisation, _lock(found.person), by, Scope.ID)
        revoke_mobile_id(found, actor=_actor(by), reason=f"beheerder van URA {organisation.ura}", ip=ip)


def set_blocked(organisation: Organisation, person: Person, blocked: bool, *, by: Person, ip: str = "") -> None:
    """Block (lost phone) or unblock a person: a blocked person logs in nowhere, at once. His portal sessions end
    for good (an unblock does not bring back a browser left logged in somewhere); his Mobile IDs stay, so that
    after an unblock he logs in again with his app."""
    employee(organisation, person.id)
    with transaction.atomic():
        require_may_manage(organisation, _lock(person), by, Scope.ID)
        now = clock.now()
        changes = {"blocked_at": now, "sessions_ended_at": now} if blocked else {"blocked_at": None}
        Person.objects.filter(pk=person.pk).update(**changes)
        # his Mobile ID certificates are on hold (certificateHold in CRL and OCSP) while he is blocked
        serials = list(person.mobile_ids.filter(status=MobileIdStatus.ACTIVE).values_list("serial", flat=True))
        (certificate_status.hold if blocked else certificate_status.release)(MOBILE_ID_CA, serials, at=now)
        # and so are his active ZORG-ID Smartcard's
        (certificate_status.hold if blocked else certificate_status.release)(
            SMARTCARD_CA, active_smartcard_serials(person), at=now)
        record("person.blocked" if blocked else "person.unblocked", actor=_actor(by), subject=_subject(person),
               ip=ip, details={"ura": organisation.ura})
        if blocked:  # his sessions at healthcare applications end too (back-channel logout)
            sessions_ended.send(sender=Person, person=person, mobile_id=None, reason="blocked", organisation=None)


def delete(organisation: Organisation, person: Person, *, by: Person, ip: str = "") -> None:
    """Remove the person's roles here; his sessions at healthcare applications for this organisation end; with
    no organisation left, his Mobile IDs are revoked too."""
    employee(organisation, person.id)
    with transaction.atomic():
        require_may_manage(organisation, _lock(person), by, Scope.HERE)
        _guard_last_administrator(organisation, person)
        RoleAssignment.objects.filter(person=person, organisation=organisation).delete()
        memberships.left(person, organisation)
        record("employee.deleted", actor=_actor(by), subject=_subject(person), ip=ip, details={"ura": organisation.ura})
        _left(organisation, person, by=by, ip=ip)
        if not person.roles.exists():
            for mobile_id in person.mobile_ids.filter(status=MobileIdStatus.ACTIVE):
                revoke_mobile_id(mobile_id, actor=_actor(by), reason="no organisation left", ip=ip)


def grant(organisation: Organisation, person: Person, role: str, *, by: Person, ip: str = "") -> None:
    employee(organisation, person.id)
    grant_role(person, role, organisation, actor=_actor(by), ip=ip)


def remove_role(organisation: Organisation, person: Person, role: str, *, by: Person, ip: str = "") -> None:
    """Take a beheerder or administrator role away; the last administrator always remains."""
    with transaction.atomic():
        if role == Role.ADMINISTRATOR:
            _guard_last_administrator(organisation, person)
        deleted, _ = RoleAssignment.objects.filter(person=person, organisation=organisation, role=role).delete()
        if deleted:
            memberships.left(person, organisation)
            record("role.removed", actor=_actor(by), subject=_subject(person), ip=ip,
                   details={"ura": organisation.ura, "role": role})
            if not RoleAssignment.objects.filter(person=person, organisation=organisation).exists():
                _left(organisation, person, by=by, ip=ip)


def _left(organisation: Organisation, person: Person, *, by: Person, ip: str) -> None:
    """He holds no role in ``organisation`` any more: his sessions at healthcare applications for it end (and
    each application that listens is told: back-channel logout), and his ZORG-ID Smartcard is unlinked from it
    (not revoked: the card is his, docs/uzi.md "ZORG-ID Smartcard"), in the caller's transaction."""
    unlink_person(person, organisation, actor=_actor(by), reason="left the organisation", ip=ip)
    sessions_ended.send(sender=Person, person=person, mobile_id=None, reason="removed", organisation=organisation)


def hand_over_administrator(organisation: Organisation, successor: Person, *, by: Person, ip: str = "") -> None:
    """R-ROLE-ADM: the administrator hands his role to another person of the organisation, in one step."""
    employee(organisation, successor.id)
    if successor.id == by.id:
        raise LastAdministrator("hand-over to oneself")
    with transaction.atomic():
        grant_role(successor, Role.ADMINISTRATOR, organisation, actor=_actor(by), ip=ip)
        remove_role(organisation, by, Role.ADMINISTRATOR, by=by, ip=ip)
        record("role.handed_over", actor=_actor(by), subject=_subject(successor), ip=ip,
               details={"ura": organisation.ura, "role": Role.ADMINISTRATOR})


def _guard_last_administrator(organisation: Organisation, person: Person) -> None:
    admins = RoleAssignment.objects.select_for_update().filter(organisation=organisation, role=Role.ADMINISTRATOR)
    ids = set(admins.values_list("person_id", flat=True))
    if person.id in ids and len(ids) == 1:
        raise LastAdministrator(organisation.ura)


def awaiting_wid_check(people: list[Person]) -> set[str]:
    """The ids of those of ``people`` who still wait for their first WID check: no WID check anywhere, no
    activation code and no Mobile ID ever. That is how an imported employee stands (administration.importing
    makes none of them) until a manager checks his identity document and hands over his QR (``reissue``);
    someone registered by a manager or with his UZI-pas always has one of them. One query for a whole page."""
    ids = [person.id for person in people]
    if not ids:
        return set()
    return set(Person.objects.filter(id__in=ids).filter(
        ~Exists(WidCheck.objects.filter(person=OuterRef("pk"))),
        ~Exists(ActivationCode.objects.filter(person=OuterRef("pk"))),
        ~Exists(MobileId.objects.filter(person=OuterRef("pk")))).values_list("id", flat=True))


class RoleAction(enum.Enum):
    """The role changes an administrator (or the operator) makes on an employee's page (R-ROLE-ADM)."""

    MAKE_BEHEERDER = "make-beheerder"
    REMOVE_BEHEERDER = "remove-beheerder"
    MAKE_ADMINISTRATOR = "make-administrator"
    REMOVE_ADMINISTRATOR = "remove-administrator"
    HAND_OVER = "hand-over"  # the administrator looking gives his own role to this person


def role_actions(organisation: Organisation, person: Person, *, by: Person) -> list[RoleAction]:
    """The role changes that apply to ``person`` for the manager ``by``, so that a page offers only those: none
    unless ``by`` is an administrator here or the operator; a role is given only to someone who lacks it and
    taken only from someone who has it; never the last administrator's role; a hand-over only by an
    administrator (not the operator, who has no role here to give) to someone else who is not one yet."""
    held = roles.held(by)
    operator, administrator = (None, Role.OPERATOR) in held, (organisation.id, Role.ADMINISTRATOR) in held
    if not (operator or administrator):
        return []
    here = set(RoleAssignment.objects.filter(person=person, organisation=organisation).values_list("role", flat=True))
    found = [RoleAction.REMOVE_BEHEERDER if Role.BEHEERDER in here else RoleAction.MAKE_BEHEERDER]
    if Role.ADMINISTRATOR not in here:
        found.append(RoleAction.MAKE_ADMINISTRATOR)
    elif not is_last_administrator(organisation, person):
        found.append(RoleAction.REMOVE_ADMINISTRATOR)
    if administrator and person.id != by.id and Role.ADMINISTRATOR not in here:
        found.append(RoleAction.HAND_OVER)
    return found


ACTION_SCOPES = {"block": Scope.ID, "unblock": Scope.ID, "revoke": Scope.ID, "delete": Scope.HERE}


def require_may(organisation: Organisation, person: Person, by: Person, action: str) -> None:
    """The refusal the action itself would meet, raised before its confirmation page, so that nobody is asked to
    confirm what is then refused. The action checks again, in its own transaction."""
    if action in ACTION_SCOPES:
        require_may_manage(organisation, person, by, ACTION_SCOPES[action])
    if action in ("delete", RoleAction.REMOVE_ADMINISTRATOR.value) and is_last_administrator(organisation, person):
        raise LastAdministrator(organisation.ura)
    if action == RoleAction.HAND_OVER.value and person.id == by.id:
        raise LastAdministrator("hand-over to oneself")


def has_roles_elsewhere(organisation: Organisation, person: Person) -> bool:
    """He holds a role in another organisation (or the operator's): deleting him here leaves his ID active."""
    return RoleAssignment.objects.filter(person=person).exclude(organisation=organisation).exists()


def is_last_administrator(organisation: Organisation, person: Person) -> bool:
    """He is the organisation's only administrator: his role cannot be taken, nor he be deleted."""
    admins = set(RoleAssignment.objects.filter(organisation=organisation, role=Role.ADMINISTRATOR)
                 .values_list("person_id", flat=True))
    return admins == {person.id}


def employee(organisation: Organisation, person_id: str) -> Person:
    """The person, if he holds a role in this organisation (R-SEC-AUTHZ: nothing of another organisation)."""
    person = Person.objects.filter(id=person_id, roles__organisation=organisation).distinct().first() if isinstance(
        person_id, str) and len(person_id) <= 64 else None
    if person is None:
        raise EmployeeUnknown(str(person_id)[:64])
    return person


@dataclass(frozen=True)
class EmployeePage:
    """One page of the employee list: its people in name order, its number, and where the pages around it start.

    ``before`` and ``after`` are the cursors of the links to the previous and the next page: the id of this
    page's first and last person; empty when there is no such page.
    """

    people: list[Person]
    number: int
    before: str
    after: str


def search(organisation: Organisation, *, text: str = "", birth_date: dt.date | None = None, uzi: str = "",
           after: str = "", before: str = "", number: int = 1) -> EmployeePage:
    """One page of the organisation's people, ordered by name (last name, first names, id).

    Keyset paging: ``after`` (or ``before``) is the id of the person the wanted page follows (or precedes), and
    the page is the next 25 in name order from there; ``number`` is the page number the link carries, only shown.
    So every page costs what the first one does, however far into the list (bench/admin.py: page 100 of 10,000
    employees among 1,000,000 persons). Everything is read from models.Membership, the organisation's own list,
    so nothing of another organisation is seen (R-SEC-AUTHZ) and the cost follows the organisation's size.
    ``text``: every word (at most 4) must occur somewhere in the first names or the last name, without regard
    to case, accents or punctuation ("vries" finds "de Vries", "ozturk" finds "Öztürk").
    EmployeeListPageUnknown when the cursor is not a person on this organisation's list (any more).
    """
    rows = _matching(organisation, text, birth_date, uzi)
    number = min(max(number, 2), MAX_PAGE_NUMBER)
    if after:
        found = list(rows.filter(_after(_key(organisation, after))).order_by(*NAME_ORDER)[:PAGE_SIZE + 1])
        people = [row.person for row in found[:PAGE_SIZE]]
        more = len(found) > PAGE_SIZE
        return EmployeePage(people, number, people[0].id if people else "", people[-1].id if more else "")
    if before:
        found = list(rows.filter(_before(_key(organisation, before)))
                     .order_by(*(f"-{field}" for field in NAME_ORDER))[:PAGE_SIZE + 1])
        if len(found) > PAGE_SIZE:  # else it is the start of the list: the first page, below
            people = [row.person for row in reversed(found[:PAGE_SIZE])]
            return EmployeePage(people, number, people[0].id, people[-1].id)
    found = list(rows.order_by(*NAME_ORDER)[:PAGE_SIZE + 1])
    people = [row.person for row in found[:PAGE_SIZE]]
    return EmployeePage(people, 1, "", people[-1].id if len(found) > PAGE_SIZE else "")


def _matching(organisation: Organisation, text: str, birth_date: dt.date | None, uzi: str) -> QuerySet:
    rows = Membership.objects.filter(organisation=organisation).select_related("person")
    for word in searchable(text).split()[:4]:
        rows = rows.filter(search_text__contains=word)
    if birth_date:
        rows = rows.filter(birth_date=birth_date)
    if uzi:
        rows = rows.filter(Exists(UziRegistration.objects.filter(mobile_id__person=OuterRef("person"),
                                                                 uzi_number=uzi)))
    return rows


def _key(organisation: Organisation, cursor: str) -> tuple[str, str, str]:
    """The name order key of the person a cursor names, if he is on this organisation's list."""
    found = list(Membership.objects.filter(organisation=organisation, person_id=cursor).values_list(*NAME_ORDER)
                 ) if isinstance(cursor, str) and CURSOR.fullmatch(cursor) else []
    if not found:
        raise EmployeeListPageUnknown(str(cursor)[:64])
    return found[0]


def _after(key: tuple[str, str, str]) -> Q:
    """Rows after ``key`` in name order; the first condition alone lets the index start at the right place."""
    last, first, person = key
    return Q(last_name__gte=last) & (Q(last_name__gt=last) | Q(first_names__gt=first)
                                     | Q(first_names=first, person_id__gt=person))


def _before(key: tuple[str, str, str]) -> Q:
    last, first, person = key
    return Q(last_name__lte=last) & (Q(last_name__lt=last) | Q(first_names__lt=first)
                                     | Q(first_names=first, person_id__lt=person))
