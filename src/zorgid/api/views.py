"""Thin API views: read the request's body (zorgid.protocol.bodies), call a service, answer with a body
(docs/architecture.md). Errors: api/errors.py."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zorgid import clock
from zorgid.applications import documents
from zorgid.flows import cards
from zorgid.flows import services as flows
from zorgid.identities import keyshare
from zorgid.identities import services as identities
from zorgid.pki.ca import get_ca
from zorgid.pki.smartcard_ca import get_smartcard_ca
from zorgid.protocol import bodies as b
from zorgid.protocol import widscan as w
from zorgid.ratelimit.services import limit_all
from zorgid.smartcards import making
from zorgid.web import client_ip, server_origin
from zorgid.widscan import services as widscan

from .parsers import BoundedXmlParser
from .serializers import serializer

# Every answer the API gives besides its success (docs/architecture.md): refusals of the request or the service,
# 413 and 415 of the parser, 429 of the request limits and of the key share's waits.
ERROR_STATUSES = (400, 403, 404, 405, 409, 410, 413, 415, 429)
ERRORS = {status: OpenApiResponse(serializer(b.ErrorResponse), description="error, see /foutmeldingen")
          for status in ERROR_STATUSES}


def _answer(body: b.Body, status: int = 200) -> Response:
    return Response(body.to_json(), status=status)


def _requester(flow) -> b.Requester:
    return b.Requester(name=flow.requester_name, origin=flow.origin)


def _holder(person) -> b.Holder:
    """Whose Mobile ID it is, as the app shows it: the names and the birth date (dd-mm-jjjj)."""
    return b.Holder(first_names=person.first_names, last_name=person.last_name,
                    birth_date=clock.format_date(person.birth_date))


class ActivationView(APIView):
    @extend_schema(request=serializer(b.ActivationRequest), responses={201: serializer(b.ActivationResponse), **ERRORS},
                   summary="Activate a Mobile ID with a one-time code and a CSR")
    def post(self, request: Request) -> Response:
        body = b.ActivationRequest.from_json(request.data)
        activated = identities.activate(body.code, body.csr, pin_proof=body.pin_proof, device_key=body.device_key,
                                        device_name=body.device_name, ip=client_ip(request))
        mobile_id, person = activated.mobile_id, activated.mobile_id.person
        return _answer(b.ActivationResponse(
            key_share=activated.key_share, mobile_id=mobile_id.id, certificate=mobile_id.certificate_pem,
            chain=tuple(get_ca().chain_pem()),
            holder=_holder(person),
            server=server_origin(request),
        ), status=201)


class LoginFlowView(APIView):
    @extend_schema(responses={200: serializer(b.LoginFlowResponse), **ERRORS},
                   summary="What the app shows before Accepteren")
    def get(self, request: Request, flow_id: str) -> Response:
        flow = flows.flow_for_app(flow_id)
        return _answer(b.LoginFlowResponse(flow=flow.id, nonce=flow.nonce, origin=flow.origin,
                                           requester=_requester(flow), expires_at=flow.expires_at, state=flow.state))


class LoginApprovalView(APIView):
    @extend_schema(request=serializer(b.LoginApprovalRequest),
                   responses={200: serializer(b.StateResponse), **ERRORS},
                   summary="The app's signed Accepteren of a login flow")
    def post(self, request: Request, flow_id: str) -> Response:
        body = b.LoginApprovalRequest.from_json(request.data)
        flow = flows.approve(flow_id, mobile_id=body.mobile_id, signed_at=body.signed_at,
                             signature_b64=body.signature, ip=client_ip(request), unlock_token=body.unlock_token)
        return _answer(b.StateResponse(state=flow.state))


class CardFlowView(APIView):
    @extend_schema(responses={200: serializer(b.CardFlowResponse), **ERRORS},
                   summary="What the Desktop App shows and signs")
    def get(self, request: Request, flow_id: str) -> Response:
        flow = cards.card_flow_for_desktop(flow_id)
        return _answer(b.CardFlowResponse(
            flow=flow.id, challenge=flow.challenge, purpose=flow.purpose, purpose_text=str(flow.get_purpose_display()),
            origin=flow.origin, requester=_requester(flow), expires_at=flow.expires_at, state=flow.state,
        ))


class CardAnswerView(APIView):
    @extend_schema(request=serializer(b.CardAnswerRequest), responses={200: serializer(b.StateResponse), **ERRORS},
                   summary="The Desktop App's signed answer with the UZI-pas's authentication certificate")
    def post(self, request: Request, flow_id: str) -> Response:
        body = b.CardAnswerRequest.from_json(request.data)
        flow = cards.answer(flow_id, certificate_pem=body.certificate, chain_pems=list(body.chain),
                            signed_at=body.signed_at, signature_b64=body.signature, ip=client_ip(request))
        return _answer(b.StateResponse(state=flow.state))


class CardDeclineView(APIView):
    @extend_schema(request=serializer(b.CardDeclineRequest), responses={200: serializer(b.StateResponse), **ERRORS},
                   summary="The holder's Nee in the Desktop App: the card session ends and its waiting page says so")
    def post(self, request: Request, flow_id: str) -> Response:
        body = b.CardDeclineRequest.from_json(request.data)
        flow = cards.decline(flow_id, challenge=body.challenge, ip=client_ip(request))
        return _answer(b.StateResponse(state=flow.state))


class SmartcardKeysView(APIView):
    @extend_schema(request=serializer(b.SmartcardKeysRequest),
                   responses={201: serializer(b.SmartcardKeysResponse), **ERRORS},
                   summary="The blank card's new keys with their proofs, after the UZI-pas answered (purpose "
                           "smartcard): the ZORG-ID Smartcard's certificates")
    def post(self, request: Request, flow_id: str) -> Response:
        body = b.SmartcardKeysRequest.from_json(request.data)
        issued = making.submit_keys(flow_id, body.keys, answer_digest=body.answer_digest, ip=client_ip(request))
        card = issued.smartcard
        return _answer(b.SmartcardKeysResponse(
            card_number=card.card_number, not_after=card.not_after, state="completed",
            certificates=tuple(b.SmartcardCertificate(role=role, certificate=der)
                               for role, der in issued.certificates.items()),
            chain=tuple(get_smartcard_ca().chain_pem()),
        ), status=201)


class ApplicationDocumentView(APIView):
    """R-FLOW-APPLY step 3 by API (``zorgid-validatietool submit``): the signed organisation document."""

    parser_classes = [BoundedXmlParser]

    @extend_schema(request={"application/xml": {"type": "string", "format": "binary"}},
                   responses={200: serializer(b.ApplicationDocumentResponse), **ERRORS},
                   summary="Send the signed organisation XML document of an application")
    def put(self, request: Request, reference: str) -> Response:
        data = request.data if isinstance(request.data, bytes) else b""
        application, refusal = documents.receive_document(reference, data, via="api",
                                                          actor=f"api:{client_ip(request)}")
        if refusal is not None:
            raise refusal
        return _answer(b.ApplicationDocumentResponse(reference=application.reference, state=application.state))


class KeyShareUnlockView(APIView):
    """The server's part in every use of the key: the share for the right PIN proof signed by the device key;
    3 wrong proofs in 24 hours, then waits."""

    @extend_schema(request=serializer(b.KeyShareUnlockRequest),
                   responses={200: serializer(b.KeyShareUnlockResponse), **ERRORS},
                   summary="Release the key share for the right PIN proof (docs/security.md)")
    def post(self, request: Request, mobile_id: str) -> Response:
        body = b.KeyShareUnlockRequest.from_json(request.data)
        holder, _ = identities.usable_mobile_id(mobile_id)
        unlocked = keyshare.unlock(holder, body.pin_proof, signed_at_ms=body.signed_at_ms, signature=body.signature,
                                   ip=client_ip(request))
        return _answer(b.KeyShareUnlockResponse(
            key_share=unlocked.share, unlock_token=unlocked.token,
            wrong_tries_since_last_use=unlocked.wrong_tries_since_last_use, last_use_at=unlocked.last_use_at,
            new_activation_codes=tuple(b.NewActivationCode(issued_at=code.issued_at, used=code.used)
                                       for code in unlocked.new_activation_codes),
            data_corrected=_data_corrected(unlocked.data_corrected),
        ))


def _data_corrected(correction) -> b.DataCorrected | None:
    """A correction of the holder's data (identities.corrections) as the unlock answer tells it, once."""
    if correction is None:
        return None
    return b.DataCorrected(corrected_at=correction.corrected_at, by_servicedesk=correction.by_servicedesk,
                           by=correction.by or "servicedesk", holder=b.Holder(
                               first_names=correction.first_names, last_name=correction.last_name,
                               birth_date=clock.format_date(correction.birth_date)))


class KeySharePinView(APIView):
    """After a restore from backup: a new PIN proof and device key, signed with the Mobile ID's key."""

    @extend_schema(request=serializer(b.KeySharePinRequest),
                   responses={200: serializer(b.KeySharePinResponse), **ERRORS},
                   summary="Register the proof of a new PIN and a new device key, signed with the key (after a "
                           "restore)")
    def post(self, request: Request, mobile_id: str) -> Response:
        body = b.KeySharePinRequest.from_json(request.data)
        holder, certificate = identities.usable_mobile_id(mobile_id)
        share = keyshare.change_pin(holder, certificate, body.pin_proof, body.device_key, signed_at=body.signed_at,
                                    signature=body.signature, device_name=body.device_name, ip=client_ip(request))
        return _answer(b.KeySharePinResponse(key_share=share))


# The WID scan app (R-FLOW-WIDSCAN; zorgid.protocol.widscan): its link to a Mobile ID and the checks it records.


def _link_state(link) -> w.WidScanLinkStateResponse:
    claimed = bool(link.key_digest)
    return w.WidScanLinkStateResponse(
        link=link.id, state=link.state, holder=_holder(link.mobile_id.person), expires_at=link.expires_at,
        confirmation=w.confirmation_code(link.id, bytes(link.public_key)) if claimed else "",
        key_digest=link.key_digest, device_name=link.device_name)


def _limit_link(request: Request, link: str) -> None:
    """Claims, state polls and declines count per link and per client address (a link code is not guessed)."""
    limit_all([("widscan-link", str(link)), ("widscan-client", client_ip(request))])


class WidScanLinksView(APIView):
    @extend_schema(request=serializer(w.WidScanLinkOfferRequest),
                   responses={201: serializer(w.WidScanLinkOfferResponse), **ERRORS},
                   summary="The ZORG-ID app offers a link to a WID scan app (signed with the unlocked Mobile ID key)")
    def post(self, request: Request) -> Response:
        body = w.WidScanLinkOfferRequest.from_json(request.data)
        offered = widscan.offer(body, ip=client_ip(request))
        return _answer(w.WidScanLinkOfferResponse(link=offered.link.id, code=offered.code,
                                                  expires_at=offered.link.expires_at), status=201)


class WidScanClaimView(APIView):
    @extend_schema(request=serializer(w.WidScanLinkClaimRequest),
                   responses={200: serializer(w.WidScanLinkStateResponse), **ERRORS},
                   summary="The WID scan app claims the link with its code, its key and a proof that it holds it")
    def post(self, request: Request, link: str) -> Response:
        _limit_link(request, link)
        body = w.WidScanLinkClaimRequest.from_json(request.data)
        return _answer(_link_state(widscan.claim(link, body, ip=client_ip(request))))


class WidScanStateView(APIView):
    @extend_schema(request=serializer(w.WidScanLinkStateRequest),
                   responses={200: serializer(w.WidScanLinkStateResponse), **ERRORS},
                   summary="The link's state, for either app, with the link code")
    def post(self, request: Request, link: str) -> Response:
        _limit_link(request, link)
        body = w.WidScanLinkStateRequest.from_json(request.data)
        return _answer(_link_state(widscan.state(link, body.code)))


class WidScanApprovalView(APIView):
    @extend_schema(request=serializer(w.WidScanLinkApprovalRequest),
                   responses={200: serializer(w.WidScanLinkStateResponse), **ERRORS},
                   summary="The holder's ja in the ZORG-ID app for the WID scan key that claimed the link")
    def post(self, request: Request, link: str) -> Response:
        body = w.WidScanLinkApprovalRequest.from_json(request.data)
        return _answer(_link_state(widscan.approve(link, body, ip=client_ip(request))))


class WidScanDeclineView(APIView):
    @extend_schema(request=serializer(w.WidScanLinkDeclineRequest),
                   responses={200: serializer(w.WidScanLinkStateResponse), **ERRORS},
                   summary="The holder's nee in the ZORG-ID app: the link is declined")
    def post(self, request: Request, link: str) -> Response:
        _limit_link(request, link)
        body = w.WidScanLinkDeclineRequest.from_json(request.data)
        return _answer(_link_state(widscan.decline(link, body.code, ip=client_ip(request))))


class WidScanChecksView(APIView):
    @extend_schema(request=serializer(w.WidCheckRecordRequest),
                   responses={201: serializer(w.WidCheckRecordResponse), **ERRORS},
                   summary="The linked WID scan app records a WID check (type, last four characters, expiry, outcome)")
    def post(self, request: Request) -> Response:
        body = w.WidCheckRecordRequest.from_json(request.data)
        check = widscan.record_check(body, ip=client_ip(request))
        return _answer(w.WidCheckRecordResponse(check=check.id, recorded_at=check.recorded_at,
                                                reference=check.reference or ""), status=201)
