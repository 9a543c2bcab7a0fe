"""A login at a healthcare application, split over the QR page (docs/koppelen.md):

1. ``begin``: the application's authorization request. An unknown client, a redirect_uri that is not
   registered or a withdrawn application (its domain may have lapsed) cannot be trusted with an answer: a
   ZorgidError, shown on zorgid's own error page (no redirect). Every other refusal, a suspended application's
   too (its supplier must be able to show its users why), goes back to the redirect_uri as an OAuth error
   (``error``, ``error_description`` with the ZID code, ``state``). A valid request becomes a LoginFlow of this
   browser, with the application and the checked request on it; the page shows its QR code.
2. ``status``: the waiting page's status (flows.login_status); "done" once the app approved, never a portal login.
3. ``proceed``: after the approval, for this browser, once: the application not withdrawn meanwhile (else the
   error page), the person still usable, the organisation of this login (the one asked for, his only one, or his
   choice), then one AppSession and one code (60 s) and the redirect to the application with ``code`` and
   ``state``.

A login with a ZORG-ID Smartcard takes the place of 2. (docs/koppelen.md): the authorize page of an application
that the register accepted for the product ``smartcard`` offers it, the
smartcard's card page and ``approve_with_smartcard`` complete the flow for the card's holder, and ``proceed``
issues the code as above; the session at the application remembers the card (``amr`` "smartcard") and holds
while it is active.

Each refusal for a known application at one of its registered addresses is an audit event
``oidc.authorize.refused`` with the client and the code; a login is ``oidc.login``. A request with an unknown
client or an unregistered redirect_uri is not audited: anyone can send it, and the audit log is never purged
(docs/security.md); the access log has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from authlib.oauth2.base import OAuth2Error
from django.db import IntegrityError, transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.care_apps.errors import CareAppUnknown, CareAppWithdrawn, RedirectUriNotRegistered
from zorgid.care_apps.models import CareApplication, CareAppStatus, Product
from zorgid.care_apps.services import CLIENT_ID_MAX, check_product, check_redirect_uri
from zorgid.control_characters import invisible
from zorgid.flows import services as flows
from zorgid.flows.models import LoginFlow, LoginFlowState
from zorgid.flows.status import BrowserAnswer
from zorgid.identities.models import MobileId, Smartcard, SmartcardStatus
from zorgid.identities.services import usable_mobile_id
from zorgid.organisations.models import Organisation, RoleAssignment
from zorgid.protocol.errors import ZorgidError

from .errors import (
    LoginAlreadyUsed,
    LoginNoLongerValid,
    LoginNotDone,
    NoOrganisation,
    OrganisationBound,
    OrganisationNotYours,
)
from .models import AuthorizationCode
from .oauth import ZorgidRequest, as_oauth_error
from .server import STATE_MAX, LoginOutcome, Provider, endpoint

SMARTCARD = "smartcard"  # on the flow's authorization: the ZORG-ID Smartcard of this login (approve_with_smartcard)
KEPT = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
        "code_challenge_method", "application_version", "ura")


@dataclass(frozen=True)
class Refused:
    """An OAuth error for the application: the browser goes to ``location`` (its redirect_uri with the error)."""

    location: str
    code: str


@dataclass(frozen=True)
class Started:
    """A valid request: the login flow whose QR code the page shows."""

    flow: LoginFlow
    application: CareApplication


@dataclass(frozen=True)
class Granted:
    """The code is issued: the browser goes to ``location`` (the redirect_uri with ``code`` and ``state``)."""

    location: str


@dataclass(frozen=True)
class ChooseOrganisation:
    """The person holds roles in more than one organisation: he chooses the one of this login."""

    flow: LoginFlow
    application: CareApplication
    organisations: list[Organisation] = field(default_factory=list)


def _code_of(error: OAuth2Error) -> str:
    zorgid_error = getattr(error, "zorgid_error", None)
    if zorgid_error is not None:
        return zorgid_error.code
    return str(error.description or "").split(":", 1)[0] or str(error.error)


def _refused(client_id: object, code: str, *, stage: str, ip: str, flow: LoginFlow | None = None) -> None:
    client = client_id if isinstance(client_id, str) else ""
    record("oidc.authorize.refused", actor=f"care_app:{client[:32]}",
           subject=f"login_flow:{flow.id}" if flow is not None else "", ip=ip,
           details={"client_id": client[:32], "code": code, "stage": stage})


def _registered_target(params: Mapping[str, list[str]]) -> tuple[CareApplication, str]:
    """The application and its redirect_uri as registered; else a ZorgidError (a page, not audited)."""
    client_ids, redirect_uris = params.get("client_id", []), params.get("redirect_uri", [])
    client_id = client_ids[0] if len(client_ids) == 1 else None
    application = CareApplication.objects.filter(client_id=client_id).first() if isinstance(client_id, str) and \
        0 < len(client_id) <= CLIENT_ID_MAX and not invisible(client_id) else None
    if application is None:
        raise CareAppUnknown("client_id is missing, repeated or not registered" if client_id is None else
                             f"client_id {client_id[:40]!r} is not registered")
    if len(redirect_uris) != 1:
        raise RedirectUriNotRegistered("redirect_uri is missing or repeated")
    return application, check_redirect_uri(application, redirect_uris[0])


def _check_not_withdrawn(application: CareApplication) -> None:
    """A withdrawn application is no longer trusted with an answer (the register no longer vouches for its
    addresses): a ZorgidError (a page). A suspended one still is: it gets unauthorized_client."""
    if application.status == CareAppStatus.WITHDRAWN:
        raise CareAppWithdrawn(f"client_id {application.client_id} is withdrawn")


def begin(params: Mapping[str, list[str]], *, issuer: str, browser_secret: str, origin: str,
          ip: str = "") -> Started | Refused:
    """Check an authorization request and start its login flow (see the module's text)."""
    application, redirect_uri = _registered_target(params)
    try:
        _check_not_withdrawn(application)
    except ZorgidError as error:
        _refused(application.client_id, error.code, stage="client", ip=ip)
        raise
    request = ZorgidRequest("GET", endpoint(issuer, "oidc-authorize"), params)
    server = Provider(issuer)
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        error.redirect_uri = redirect_uri  # the client and its redirect_uri are trusted: every refusal goes there
        if error.state is not None and len(str(error.state)) > STATE_MAX:
            error.state = None  # refused for its length (ZID-OIDC-STATE): not sent back either
        answer = server.handle_error_response(request, error)  # (it puts a ZID code in Authlib's own refusals)
        code = _code_of(error)
        _refused(application.client_id, code, stage="request", ip=ip)
        return Refused(answer.location or redirect_uri, code)
    data = grant.request.payload.data
    authorization = {name: data[name] for name in KEPT if name in data}
    authorization["scope"] = grant.request.scope
    flow = flows.start_login(browser_secret=browser_secret, origin=origin, requester_name=application.name,
                             application=application, authorization=authorization)
    return Started(flow, application)


def status(flow_id: str, *, browser_secret: str, client: str, wait: bool) -> BrowserAnswer:
    """The waiting page's status: flows' one status answer, for a login at an application only."""
    return flows.login_status(flow_id, browser_secret=browser_secret, client=client, wait=wait,
                              for_application=True)


def offers_smartcard(application: CareApplication) -> bool:
    """Whether the application's login page offers the ZORG-ID Smartcard: the register accepted it for that product."""
    return Product.SMARTCARD in application.products


def pending_flow(flow_id: object, browser_secret: str) -> LoginFlow:
    """This browser's login at an application that accepts the ZORG-ID Smartcard, still waiting for a login (for
    the smartcard's card page); an application not accepted for that product is ZID-CARE-APP-PRODUCT."""
    flow = LoginFlow.find(flow_id).check_browser(browser_secret)
    if flow.application_id is None:
        raise LoginFlow.Unknown()
    _check_not_withdrawn(flow.application)
    check_product(flow.application, Product.SMARTCARD)
    if flow.state != LoginFlowState.PENDING:
        raise LoginFlow.Used()
    if flow.is_expired(clock.now()):
        raise LoginFlow.Expired()
    return flow


def approve_with_smartcard(flow_id: object, *, browser_secret: str, smartcard: Smartcard, ip: str = "") -> LoginFlow:
    """The login at an application done with a ZORG-ID Smartcard instead of the app (no Mobile ID): the flow
    completed at once (the browser that holds the card goes on to ``proceed``), in the caller's transaction, once."""
    flow = pending_flow(flow_id, browser_secret)
    now = clock.now()
    if not flow.move(LoginFlowState.PENDING, LoginFlowState.COMPLETED, now, approved_at=now, completed_at=now,
                     authorization={**flow.authorization, SMARTCARD: smartcard.id}):
        raise LoginFlow.Used()
    flow.refresh_from_db()
    return flow


def _login_means(flow: LoginFlow) -> tuple[MobileId | None, Smartcard | None]:
    """The Mobile ID (a login with the app) or the ZORG-ID Smartcard this login was done with, if it still holds:
    the card active and valid and its holder not blocked; the Mobile ID as identities.usable_mobile_id says."""
    card_id = flow.authorization.get(SMARTCARD)
    if card_id is None:
        return usable_mobile_id(flow.mobile_id_id)[0], None
    card = Smartcard.objects.select_related("person").filter(
        id=card_id, status=SmartcardStatus.ACTIVE, not_after__gt=clock.now(), person__blocked_at__isnull=True,
    ).first() if isinstance(card_id, str) else None
    if card is None:
        raise LoginNoLongerValid("the ZORG-ID Smartcard of this login is no longer active, or its holder blocked")
    return None, card


def _application_flow(flow_id: object, browser_secret: str) -> LoginFlow:
    flow = LoginFlow.find(flow_id).check_browser(browser_secret)
    if flow.application_id is None:
        raise LoginFlow.Unknown()
    if AuthorizationCode.objects.filter(flow=flow).exists():
        raise LoginAlreadyUsed()
    if flow.state != LoginFlowState.COMPLETED:
        raise LoginNotDone()
    return flow


def _organisations(person) -> list[Organisation]:
    """The organisations where the person holds a role, by name."""
    return list(Organisation.objects.filter(
        id__in=RoleAssignment.objects.filter(person=person, organisation__isnull=False).values("organisation_id"))
        .order_by("name", "ura"))


def _organisation_of_login(flow: LoginFlow, person, chosen: str | None) -> Organisation | list[Organisation]:
    """The organisation of this login, or the list to choose from; a ZorgidError when there is none for him.

    The one the application asked for (``ura``) or he chose, where he must hold a role; else his only one. An
    application bound to one URA (a UZI server certificate: ``tls_ura``) logs in for that organisation only.
    """
    bound = flow.application.tls_ura
    held = _organisations(person)
    allowed = [organisation for organisation in held if not bound or organisation.ura == bound]
    asked = flow.authorization.get("ura") or chosen
    asked = asked.strip() if isinstance(asked, str) else asked  # as Ura reads it: spaces around it are dropped
    if asked:
        if bound and asked != bound:
            raise OrganisationBound(f"the application is bound to URA {bound}")
        match = next((organisation for organisation in allowed if organisation.ura == asked), None)
        if match is None:
            raise OrganisationBound(f"URA {bound}") if bound else OrganisationNotYours(f"URA {str(asked)[:8]}")
        return match
    if not held:
        raise NoOrganisation()
    if not allowed:
        raise OrganisationBound(f"URA {bound}")
    return allowed[0] if len(allowed) == 1 else allowed


def proceed(flow_id: object, *, issuer: str, browser_secret: str, chosen_ura: str | None = None,
            ip: str = "") -> Granted | Refused | ChooseOrganisation:
    """After the app's approval: the organisation of this login and the code, once (see the module's text).

    A flow that is not this browser's, not an application's, not yet approved or already used is a ZorgidError (a
    page); every other refusal goes to the application's redirect_uri. ``chosen_ura`` is the person's choice.
    """
    flow = _application_flow(flow_id, browser_secret)
    try:
        _check_not_withdrawn(flow.application)
    except ZorgidError as error:
        _refused(flow.application_id, error.code, stage="continue", ip=ip, flow=flow)
        raise
    authorization = flow.authorization
    params = {name: [value] for name, value in authorization.items() if isinstance(value, str) and name in KEPT}
    redirect_uri, state = authorization.get("redirect_uri", ""), authorization.get("state")
    try:
        if flow.is_expired(clock.now()):
            raise LoginFlow.Expired()
        holder, smartcard = _login_means(flow)
        person = holder.person if holder is not None else smartcard.person
        organisation = _organisation_of_login(flow, person, chosen_ura)
    except ZorgidError as error:
        _refused(flow.application_id, error.code, stage="continue", ip=ip, flow=flow)
        answer = Provider(issuer).handle_error_response(
            ZorgidRequest("GET", endpoint(issuer, "oidc-authorize"), params),
            as_oauth_error(error, redirect_uri=redirect_uri, state=state))
        return Refused(answer.location or redirect_uri, error.code)
    if isinstance(organisation, list):
        return ChooseOrganisation(flow, flow.application, organisation)
    server = Provider(issuer)
    request = ZorgidRequest("GET", endpoint(issuer, "oidc-authorize"), params)
    grant = server.get_authorization_grant(request)
    try:
        with transaction.atomic():
            # Authlib checks the kept request again (the application or its version may be suspended since)
            checked_uri = grant.validate_authorization_request()
            _, _, headers = grant.create_authorization_response(checked_uri, LoginOutcome(
                flow, holder, organisation, ip, smartcard))
    except IntegrityError as exc:  # a second request for this flow at the same moment: its code exists already
        raise LoginAlreadyUsed() from exc
    except OAuth2Error as error:
        error.redirect_uri, error.state = redirect_uri, state
        answer = server.handle_error_response(request, error)
        code = _code_of(error)
        _refused(flow.application_id, code, stage="continue", ip=ip, flow=flow)
        return Refused(answer.location or redirect_uri, code)
    return Granted(dict(headers)["Location"])
