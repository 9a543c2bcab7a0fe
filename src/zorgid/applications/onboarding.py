"""From an approved application to the administrator's first login (R-FLOW-APPLY steps 4–7).

approve → (ADM) submit_followup → send_activation → (ADM scans and logs in) first_login.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from zorgid import clock, qrcodes
from zorgid.hashing import token_hash
from zorgid.identities.models import Person
from zorgid.identities.people import check_birth_date, clean_name
from zorgid.identities.services import issue_activation_code
from zorgid.organisations.errors import OrganisationExists
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

from . import mail
from .errors import FollowupLinkInvalid
from .models import Application, Product
from .services import S, transition


def approve(application: Application, *, actor: str) -> Application:
    """The operator approves: the organisation exists, and the ADM gets the follow-up link (10 days)."""
    allowed = (S.DOCUMENT_VERIFIED,) if application.product == Product.MOBIEL else (S.SUBMITTED, S.DOCUMENT_VERIFIED)
    token = secrets.token_urlsafe(24)
    expires = clock.now() + dt.timedelta(days=settings.ZORGID_ACTIVATION_DAYS)
    with transaction.atomic():
        try:
            organisation = add_organisation(name=application.organisation_name, ura=application.ura,
                                            kvk=application.kvk, actor=actor)
        except (OrganisationExists, IntegrityError) as exc:
            raise OrganisationExists(f"URA {application.ura}") from exc
        application = transition(application, allowed, S.FOLLOWUP_SENT, actor=actor, organisation=organisation,
                                 followup_token_hash=token_hash(token), followup_expires_at=expires)
        mail.followup_link(application, f"{settings.ZORGID_BASE_URL}/vervolgformulier/{token}")
    return application


def followup_application(token: str) -> Application:
    found = Application.objects.filter(followup_token_hash=token_hash(token or ""),
                                       state=S.FOLLOWUP_SENT).first()
    if found is None or found.followup_expires_at is None or clock.now() >= found.followup_expires_at:
        raise FollowupLinkInvalid()
    return found


def submit_followup(token: str, *, first_names: str, last_name: str, birth_date: dt.date, email: str,
                    phone: str, ip: str = "") -> Application:
    """The vervolgformulier: the ADM's personal data as in the WID (names by clean_name); the link works once."""
    application = followup_application(token)
    first_names, last_name = clean_name(first_names, "first names"), clean_name(last_name, "last name")
    check_birth_date(birth_date)
    with transaction.atomic():
        person = Person.objects.create(first_names=first_names, last_name=last_name, birth_date=birth_date,
                                       created_at=clock.now())
        application = transition(application, (S.FOLLOWUP_SENT,), S.FOLLOWUP_RECEIVED, actor=f"adm:{email}",
                                 administrator=person, adm_email=email, adm_phone=phone, followup_token_hash="")
        if settings.ZORGID_AUTO_ACTIVATION:
            application = send_activation(application, actor="system")
    return application


def send_activation(application: Application, *, actor: str) -> Application:
    """The ADM's activation QR (10 days, once), as a link to a page and as a PNG; the ADM role with it."""
    with transaction.atomic():
        application = transition(application, (S.FOLLOWUP_RECEIVED,), S.ACTIVATION_SENT, actor=actor)
        person = application.administrator
        grant_role(person, Role.ADMINISTRATOR, application.organisation, actor=actor)
        issued = issue_activation_code(person, actor=actor)
        payload = issued.payload(settings.ZORGID_BASE_URL).to_uri()
        png = qrcodes.png_bytes(payload)
        mail.activation(application, f"{settings.ZORGID_BASE_URL}/activatie/{issued.code}", png,
                        clock.format_day(issued.expires_at))
    return application


def first_login_completes(sender, *, person_id: str, **kwargs) -> None:
    """Receiver of flows.signals.login_completed: a login is the moment an application may be completed."""
    first_login(person_id)


def first_login(person_id: str) -> None:
    """ZORG-ID Mobiel: the ADM's first login completes the application; the VTW gets "registratie afgerond".

    Every portal login asks, and almost always finds none: one plain query (docs/architecture.md, "The login's hot
    path").
    """
    table = connection.ops.quote_name(Application._meta.db_table)
    for application in Application.objects.raw(
            f"SELECT * FROM {table} WHERE state = %s AND administrator_id = %s AND product = %s",  # noqa: S608
            [S.ACTIVATION_SENT, person_id, Product.MOBIEL]):
        transition(application, (S.ACTIVATION_SENT,), S.COMPLETED, actor=f"person:{person_id}",
                   note="De portaal administrator is ingelogd.")


def organisation_validated(organisation, person: Person) -> None:
    """ZORG-ID Smartcard (R-FLOW-UZIORG): the ADM's validation with the UZI-pas completes the application."""
    for application in Application.objects.filter(state=S.ACTIVATION_SENT, organisation=organisation,
                                                  administrator=person, product=Product.SMARTCARD):
        transition(application, (S.ACTIVATION_SENT,), S.COMPLETED, actor=f"person:{person.id}",
                   note="De organisatie is gevalideerd met de UZI-pas.")


