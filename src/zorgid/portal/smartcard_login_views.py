"""Logging in with a ZORG-ID Smartcard (docs/koppelen.md): at the portal from its start page, at a healthcare
application from the login page it sends its user to. Both go through the shared card page (card_views); its next
step (``card_read``) logs the browser in as a QR login does, or completes the application's login and sends the
browser on to its code (oidc_views.authorize_continue).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zorgid.flows import cards
from zorgid.flows.models import CardFlowPurpose
from zorgid.oidc import authorize
from zorgid.ratelimit.services import limit
from zorgid.smartcards import login as smartcard_login
from zorgid.web import client_ip, server_origin

from . import session

LOGIN_FLOW = "login_flow"  # page_state: the application's login flow this card session logs in for


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """"Inloggen met ZORG-ID Smartcard" on the start page: a card session of purpose smartcard-login."""
    return _start(request)


@require_POST
def start_for_application(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The same on an application's login page: the card session remembers that login flow (this browser's)."""
    login_flow = authorize.pending_flow(flow_id, session.known_browser_secret(request))
    # the Desktop App names the application the holder logs in to, as the app does (its login flow's requester)
    return _start(request, login_flow.requester_name, login_flow=login_flow.id)


def _start(request: HttpRequest, requester_name: str = "", **remembered: str) -> HttpResponse:
    limit("login-start", client_ip(request))  # it makes a flow, as the start page's QR code does
    secret = session.browser_secret(request)
    flow = cards.start_card_flow(browser_secret=secret, origin=server_origin(request),
                                 purpose=CardFlowPurpose.SMARTCARD_LOGIN,
                                 requester_name=requester_name or settings.ZORGID_PORTAL_NAME)
    if remembered:
        cards.remember(flow.id, browser_secret=secret, **remembered)
    return redirect("portal-card", flow_id=flow.id)


@require_POST
def card_read(request: HttpRequest, flow_id: str) -> HttpResponse:
    """The card page's next step: log in with the card that was read (a refusal is the error page)."""
    secret, ip = session.known_browser_secret(request), client_ip(request)
    login_flow_id = cards.remembered(flow_id, LOGIN_FLOW, browser_secret=secret)
    if not login_flow_id:
        done = smartcard_login.complete_login(flow_id, browser_secret=secret, ip=ip)
        session.log_in(request, None, smartcard=done.smartcard.id)
        return redirect("portal-overview")
    application = authorize.pending_flow(login_flow_id, secret).application
    with transaction.atomic():
        done = smartcard_login.complete_login(flow_id, browser_secret=secret, ip=ip, application=application.client_id)
        authorize.approve_with_smartcard(login_flow_id, browser_secret=secret, smartcard=done.smartcard, ip=ip)
    # not a redirect: the card page's form may only go to zorgid itself (form-action 'self'), and the next step
    # sends the browser on to the application's redirect_uri; a new navigation may (as the QR page's does)
    continue_url = reverse("oidc-authorize-continue", args=[login_flow_id])
    response = render(request, "portal/smartcard_login_continue.html",
                      {"continue_url": continue_url, "application": application.name})
    response["Refresh"] = f"0;url={continue_url}"
    return response
