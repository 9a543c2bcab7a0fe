"""Shapes of the API's requests and answers (also the OpenAPI schema's)."""

from __future__ import annotations

from rest_framework import serializers

from zorgid.protocol.messages import KEYSHARE_VERSION, MAX_CARD_CERTIFICATE_BYTES, MAX_CSR_CHARS, MESSAGE_VERSION


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=MESSAGE_VERSION, max_value=MESSAGE_VERSION, **kwargs)


class KeyShareVersionField(serializers.IntegerField):
    """The app's requests: 3, the key that needs the server's share, unlocked with the device key's signature
    (docs/security.md); an older app is refused (ZID-REQUEST-MALFORMED, "werk de app bij")."""

    def __init__(self, **kwargs):
        super().__init__(min_value=KEYSHARE_VERSION, max_value=KEYSHARE_VERSION, **kwargs)


class ActivationRequest(serializers.Serializer):
    v = KeyShareVersionField()
    code = serializers.CharField(max_length=64)
    csr = serializers.CharField(max_length=MAX_CSR_CHARS, help_text="PKCS#10 request, PEM, EC P-256 key")
    pin_proof = serializers.CharField(max_length=64,
                                      help_text="from argon2id of the PIN with the app's salt, base64url (32 bytes)")
    device_key = serializers.CharField(max_length=200, help_text="the app's device key that signs every unlock: "
                                       "EC P-256 public key, DER SubjectPublicKeyInfo, base64url")


class Holder(serializers.Serializer):
    first_names = serializers.CharField()
    last_name = serializers.CharField()
    birth_date = serializers.CharField(help_text="dd-mm-jjjj")


class ActivationResponse(serializers.Serializer):
    v = serializers.IntegerField()
    key_share = serializers.CharField(help_text="base64url, 32 bytes, given this once")
    mobile_id = serializers.CharField()
    certificate = serializers.CharField(help_text="PEM")
    chain = serializers.ListField(child=serializers.CharField(), help_text="issuing CA, then root CA, PEM")
    holder = Holder()
    server = serializers.CharField()


class Requester(serializers.Serializer):
    name = serializers.CharField()
    origin = serializers.CharField()


class LoginFlowResponse(serializers.Serializer):
    v = serializers.IntegerField()
    flow = serializers.CharField()
    nonce = serializers.CharField()
    origin = serializers.CharField()
    requester = Requester()
    expires_at = serializers.DateTimeField()
    state = serializers.CharField()


class LoginApprovalRequest(serializers.Serializer):
    v = KeyShareVersionField()
    unlock_token = serializers.CharField(max_length=64, help_text="from the key share's unlock, once")
    mobile_id = serializers.CharField(max_length=64)
    signed_at = serializers.IntegerField(min_value=1, max_value=2**40)
    signature = serializers.CharField(max_length=256, help_text="ECDSA-SHA256, DER, base64url")


class LoginApprovalResponse(serializers.Serializer):
    state = serializers.CharField()


class ErrorText(serializers.Serializer):
    nl = serializers.CharField()
    en = serializers.CharField()


class ErrorBody(serializers.Serializer):
    code = serializers.CharField(help_text="stable code, listed on /foutmeldingen")
    status = serializers.IntegerField()
    cause = ErrorText()
    solution = ErrorText()
    detail = serializers.CharField(required=False)


class ErrorResponse(serializers.Serializer):
    error = ErrorBody()


class CardFlowResponse(serializers.Serializer):
    v = serializers.IntegerField()
    flow = serializers.CharField()
    challenge = serializers.CharField()
    purpose = serializers.CharField()
    purpose_text = serializers.CharField(help_text="what the Desktop App shows in its connection request")
    origin = serializers.CharField()
    requester = Requester()
    expires_at = serializers.DateTimeField()
    state = serializers.CharField()


class CardAnswerRequest(serializers.Serializer):
    v = VersionField()
    certificate = serializers.CharField(max_length=MAX_CARD_CERTIFICATE_BYTES, help_text="authentication cert, PEM")
    chain = serializers.ListField(child=serializers.CharField(max_length=MAX_CARD_CERTIFICATE_BYTES), max_length=5,
                                  required=False, default=list)
    signed_at = serializers.IntegerField(min_value=1, max_value=2**40)
    signature = serializers.CharField(max_length=1400, help_text="RSA PKCS#1 v1.5 SHA-256 (or ECDSA), base64url")


class CardAnswerResponse(serializers.Serializer):
    state = serializers.CharField()


class ApplicationDocumentResponse(serializers.Serializer):
    reference = serializers.CharField()
    state = serializers.CharField()


class KeyShareUnlockRequest(serializers.Serializer):
    v = KeyShareVersionField()
    pin_proof = serializers.CharField(max_length=64)
    signed_at_ms = serializers.IntegerField(min_value=1, max_value=2**50 - 1,
                                            help_text="milliseconds since 1970; each later than the last")
    signature = serializers.CharField(max_length=256, help_text="the device key's ECDSA over DeviceUnlock")


class NewActivationCode(serializers.Serializer):
    issued_at = serializers.DateTimeField()
    used = serializers.BooleanField(help_text="used by another Mobile ID")


class KeyShareUnlockResponse(serializers.Serializer):
    key_share = serializers.CharField(help_text="base64url, 32 bytes")
    unlock_token = serializers.CharField(help_text="one-time, 2 minutes: the next approval carries it")
    wrong_tries_since_last_use = serializers.IntegerField(help_text="wrong PIN proofs since the last right one")
    last_use_at = serializers.DateTimeField(allow_null=True, help_text="the last right PIN proof; null: none yet")
    new_activation_codes = NewActivationCode(many=True, help_text="issued for the holder since the last use")


class KeySharePinRequest(serializers.Serializer):
    v = KeyShareVersionField()
    pin_proof = serializers.CharField(max_length=64)
    signed_at = serializers.IntegerField(min_value=1, max_value=2**40)
    signature = serializers.CharField(max_length=256, help_text="the Mobile ID key's ECDSA over PinChange")
    device_key = serializers.CharField(max_length=200, help_text="the restored app's new device key, as at "
                                       "activation")


class KeySharePinResponse(serializers.Serializer):
    key_share = serializers.CharField()
