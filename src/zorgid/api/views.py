"""Thin API views: parse, call a service, answer (STYLE.md habit 2). Errors: api/errors.py."""

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
from zorgid.pki.signatures import verify_signature
from zorgid.protocol.errors import MessageMalformed
from zorgid.protocol.messages import (
    CLOCK_SKEW_SECONDS,
    KEYSHARE_VERSION,
    MAX_DEVICE_KEY_BYTES,
    MESSAGE_VERSION,
    PIN_PROOF_BYTES,
    PinChange,
    b64decode,
    b64encode,
)
from zorgid.web import client_ip, server_origin

from . import serializers as s
from .parsers import BoundedXmlParser

ERRORS = {code: OpenApiResponse(s.ErrorResponse, description="error, see /foutmeldingen")
          for code in (400, 403, 404, 405, 409, 410, 413, 415)}


def _pin_proof(data: dict) -> bytes:
    proof = b64decode(data.get("pin_proof") or "", limit=PIN_PROOF_BYTES)
    if len(proof) != PIN_PROOF_BYTES:
        raise MessageMalformed(f"pin_proof must be {PIN_PROOF_BYTES} bytes")
    return proof


def _device_key(data: dict) -> bytes:
    return b64decode(data.get("device_key") or "", limit=MAX_DEVICE_KEY_BYTES)


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ActivationView(APIView):
    @extend_schema(request=s.ActivationRequest, responses={201: s.ActivationResponse, **ERRORS},
                   summary="Activate a Mobile ID with a one-time code and a CSR")
    def post(self, request: Request) -> Response:
        data = _valid(s.ActivationRequest, request)
        activated = identities.activate(data["code"], data["csr"], pin_proof=_pin_proof(data),
                                        device_key=_device_key(data), ip=client_ip(request))
        mobile_id, person = activated.mobile_id, activated.mobile_id.person
        return Response({
            "v": KEYSHARE_VERSION,
            "key_share": b64encode(activated.key_share),
            "mobile_id": mobile_id.id,
            "certificate": mobile_id.certificate_pem,
            "chain": get_ca().chain_pem(),
            "holder": {"first_names": person.first_names, "last_name": person.last_name,
                       "birth_date": clock.format_date(person.birth_date)},
            "server": server_origin(request),
        }, status=201)


class LoginFlowView(APIView):
    @extend_schema(responses={200: s.LoginFlowResponse, **ERRORS}, summary="What the app shows before Accepteren")
    def get(self, request: Request, flow_id: str) -> Response:
        flow = flows.flow_for_app(flow_id)
        return Response({
            "v": MESSAGE_VERSION, "flow": flow.id, "nonce": flow.nonce, "origin": flow.origin,
            "requester": {"name": flow.requester_name, "origin": flow.origin},
            "expires_at": flow.expires_at.isoformat(), "state": flow.state,
        })


class LoginApprovalView(APIView):
    @extend_schema(request=s.LoginApprovalRequest, responses={200: s.LoginApprovalResponse, **ERRORS},
                   summary="The app's signed Accepteren of a login flow")
    def post(self, request: Request, flow_id: str) -> Response:
        data = _valid(s.LoginApprovalRequest, request)
        flow = flows.approve(flow_id, mobile_id=data["mobile_id"], signed_at=data["signed_at"],
                             signature_b64=data["signature"], ip=client_ip(request),
                             unlock_token=data["unlock_token"])
        return Response({"state": flow.state})


class CardFlowView(APIView):
    @extend_schema(responses={200: s.CardFlowResponse, **ERRORS}, summary="What the Desktop App shows and signs")
    def get(self, request: Request, flow_id: str) -> Response:
        flow = cards.card_flow_for_desktop(flow_id)
        return Response({
            "v": MESSAGE_VERSION, "flow": flow.id, "challenge": flow.challenge, "purpose": flow.purpose,
            "purpose_text": flow.get_purpose_display(), "origin": flow.origin,
            "requester": {"name": flow.requester_name, "origin": flow.origin},
            "expires_at": flow.expires_at.isoformat(), "state": flow.state,
        })


class CardAnswerView(APIView):
    @extend_schema(request=s.CardAnswerRequest, responses={200: s.CardAnswerResponse, **ERRORS},
                   summary="The Desktop App's signed answer with the UZI-pas's authentication certificate")
    def post(self, request: Request, flow_id: str) -> Response:
        data = _valid(s.CardAnswerRequest, request)
        flow = cards.answer(flow_id, certificate_pem=data["certificate"], chain_pems=data["chain"],
                            signed_at=data["signed_at"], signature_b64=data["signature"], ip=client_ip(request))
        return Response({"state": flow.state})


class ApplicationDocumentView(APIView):
    """R-FLOW-APPLY step 3 by API (``zorgid-validatietool submit``): the signed organisation document."""

    parser_classes = [BoundedXmlParser]

    @extend_schema(request={"application/xml": {"type": "string", "format": "binary"}},
                   responses={200: s.ApplicationDocumentResponse, **ERRORS},
                   summary="Send the signed organisation XML document of an application")
    def put(self, request: Request, reference: str) -> Response:
        data = request.data if isinstance(request.data, bytes) else b""
        application, refusal = documents.receive_document(reference, data, via="api",
                                                          actor=f"api:{client_ip(request)}")
        if refusal is not None:
            raise refusal
        return Response({"reference": application.reference, "state": application.state})


class KeyShareUnlockView(APIView):
    """The server's part in every use of the key: the share for the right PIN proof signed by the device key;
    3 wrong proofs in 24 hours, then waits."""

    @extend_schema(request=s.KeyShareUnlockRequest,
                   responses={200: s.KeyShareUnlockResponse, **ERRORS, 429: ERRORS[409]},
                   summary="Release the key share for the right PIN proof (docs/security.md)")
    def post(self, request: Request, mobile_id: str) -> Response:
        data = _valid(s.KeyShareUnlockRequest, request)
        holder, _ = identities.usable_mobile_id(mobile_id)
        unlocked = keyshare.unlock(holder, _pin_proof(data), signed_at_ms=data["signed_at_ms"],
                                   signature=b64decode(data["signature"]), ip=client_ip(request))
        return Response({
            "key_share": b64encode(unlocked.share), "unlock_token": unlocked.token,
            "wrong_tries_since_last_use": unlocked.wrong_tries_since_last_use,
            "last_use_at": unlocked.last_use_at.isoformat() if unlocked.last_use_at else None,
            "new_activation_codes": [{"issued_at": code.issued_at.isoformat(), "used": code.used}
                                     for code in unlocked.new_activation_codes],
        })


class KeySharePinView(APIView):
    """After a restore from backup: a new PIN proof and device key, signed with the Mobile ID's key."""

    @extend_schema(request=s.KeySharePinRequest, responses={200: s.KeySharePinResponse, **ERRORS},
                   summary="Register the proof of a new PIN and a new device key, signed with the key (after a "
                           "restore)")
    def post(self, request: Request, mobile_id: str) -> Response:
        data = _valid(s.KeySharePinRequest, request)
        holder, certificate = identities.usable_mobile_id(mobile_id)
        if abs(clock.now().timestamp() - data["signed_at"]) > CLOCK_SKEW_SECONDS:
            from zorgid.flows.errors import LoginClockSkew

            raise LoginClockSkew()
        device = keyshare.device_key(_device_key(data), mobile_id_key=certificate.public_key())
        message = PinChange(holder.id, data["pin_proof"], data["signed_at"], data["device_key"])
        verify_signature(certificate, b64decode(data["signature"]), message.canonical_bytes())
        share = keyshare.replace_proof(holder, _pin_proof(data), device, ip=client_ip(request))
        return Response({"key_share": b64encode(share)})
