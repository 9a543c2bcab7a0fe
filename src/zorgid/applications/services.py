"""The application's transitions (R-FLOW-APPLY), one named function each (docs/architecture.md).

Each checks the current state, changes it in one transaction with a conditional UPDATE, records an
ApplicationEvent and an audit event, and mails the vertegenwoordiger (see application.mermaid).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.hashing import token_hash
from zorgid.organisations.models import Organisation
from zorgid.orgdoc.schema import new_reference as orgdoc_reference
from zorgid.ratelimit.services import limit

from . import mail
from .errors import ApplicationOpenForUra, ApplicationStateWrong, ApplicationUnknown, OrganisationAlreadyRegistered
from .models import OPEN_STATES, Application, ApplicationEvent, ApplicationState, Product

S = ApplicationState


def mailbox(address: str) -> str:
    """The mailbox an address reaches, for counting: lower case, without a +tag (tb+1@x and TB@x are one)."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def new_reference() -> str:
    """ZID-<year>-<8 characters>, as the organisation XML's schema demands (zorgid.orgdoc)."""
    return orgdoc_reference(clock.now().year)


def get(reference: str) -> Application:
    found = Application.objects.filter(reference=reference).first() if isinstance(reference, str) else None
    if found is None:
        raise ApplicationUnknown(str(reference)[:40])
    return found


def by_status_token(reference: str, token: str) -> Application:
    application = get(reference)
    if not secrets.compare_digest(application.status_token_hash, token_hash(token or "")):
        raise ApplicationUnknown(reference)
    return application


def transition(application: Application, allowed: tuple[str, ...], target: str, *, actor: str, note: str = "",
               mail_vtw: bool = True, **changes) -> Application:
    """The one way ``state`` changes: from an allowed state, once, with event, audit and status mail."""
    now = clock.now()
    with transaction.atomic():
        won = Application.objects.filter(pk=application.pk, state__in=allowed).update(
            state=target, updated_at=now, **changes)
        if not won:
            raise ApplicationStateWrong(f"{application.reference} is {application.state}, not one of {allowed}")
        ApplicationEvent.objects.create(application=application, at=now, from_state=application.state,
                                        to_state=target, actor=actor[:128], note=note)
        record("application." + target, actor=actor, subject=f"application:{application.reference}",
               details={"from": application.state, "note": note[:200]})
        application.refresh_from_db()
        if mail_vtw:
            mail.status_to_vtw(application, note)
    return application


@dataclass(frozen=True)
class Submitted:
    application: Application
    status_token: str


def submit(data: dict, *, ip: str = "") -> Submitted:
    """The public application form (R-FLOW-APPLY step 1): a reference, mails to TB and VTW.

    Anyone can name any address, so each address may be named in few applications a day (the setting
    ZORGID_RATE_LIMITS["application-address"], on top of the limit per client address), and the mails quote
    nothing the applicant typed (mail.py).
    """
    if Organisation.objects.filter(ura=data["ura"]).exists():
        raise OrganisationAlreadyRegistered(f"URA {data['ura']}")
    if Application.objects.filter(ura=data["ura"], state__in=OPEN_STATES).exists():
        raise ApplicationOpenForUra(f"URA {data['ura']}")
    for address in sorted({mailbox(data[field]) for field in ("tb_email", "vtw_email", "adm_email")}):
        limit("application-address", address)
    token, now = secrets.token_urlsafe(24), clock.now()
    with transaction.atomic():
        application = Application.objects.create(
            reference=new_reference(), status_token_hash=token_hash(token), created_at=now, updated_at=now,
            **{**data, "environment": settings.ZORGID_ENVIRONMENT})
        ApplicationEvent.objects.create(application=application, at=now, to_state=S.SUBMITTED,
                                        actor=f"tb:{application.tb_email}"[:128])
        record("application.submitted", actor=f"tb:{application.tb_email}", ip=ip,
               subject=f"application:{application.reference}", details={"ura": application.ura})
        url = status_url(application, token)
        if application.product == Product.MOBIEL:
            from .documents import blank_document

            mail.confirmation_to_tb(application, blank_document(application), url)
        else:  # Smartcard: the administrator validates with the UZI-pas instead of the XML
            mail.confirmation_to_tb(application, None, url)
        mail.status_to_vtw(application, "", url)
    return Submitted(application, token)


def status_path(application: Application, token: str) -> str:
    return f"/aanvragen/{application.reference}/status/{token}"


def status_url(application: Application, token: str) -> str:
    return settings.ZORGID_BASE_URL + status_path(application, token)


def ask_more_information(application: Application, question: str, *, actor: str) -> Application:
    allowed = (S.SUBMITTED, S.DOCUMENT_RECEIVED, S.DOCUMENT_VERIFIED)
    application = transition(application, allowed, S.MORE_INFORMATION_NEEDED, actor=actor, note=question)
    mail.more_information(application, question)
    return application


def information_received(application: Application, *, actor: str, note: str = "") -> Application:
    return transition(application, (S.MORE_INFORMATION_NEEDED,), S.SUBMITTED, actor=actor, note=note)


def decline(application: Application, reason: str, *, actor: str) -> Application:
    allowed = (S.SUBMITTED, S.DOCUMENT_RECEIVED, S.DOCUMENT_VERIFIED, S.MORE_INFORMATION_NEEDED)
    return transition(application, allowed, S.DECLINED, actor=actor, note=reason, decision_reason=reason)


def withdraw(application: Application, *, actor: str) -> Application:
    return transition(application, (S.SUBMITTED, S.MORE_INFORMATION_NEEDED), S.WITHDRAWN, actor=actor)


def expire_stale(*, actor: str = "system") -> int:
    """Applications without progress for ZORGID_APPLICATION_EXPIRY_DAYS end as expired."""
    limit = clock.now() - dt.timedelta(days=settings.ZORGID_APPLICATION_EXPIRY_DAYS)
    stale = (S.SUBMITTED, S.MORE_INFORMATION_NEEDED, S.FOLLOWUP_SENT)
    count = 0
    for application in Application.objects.filter(state__in=stale, updated_at__lt=limit):
        try:
            transition(application, stale, S.EXPIRED, actor=actor,
                       note=f"{settings.ZORGID_APPLICATION_EXPIRY_DAYS} dagen zonder voortgang")
            count += 1
        except ApplicationStateWrong:
            continue  # moved on meanwhile
    return count
