"""Both apps of a WID scan link as the tests drive them over HTTP, with real keys and signatures: the ZORG-ID app
(tests.conftest's Device: an unlock for every use of its key) and the WID scan app (a key of its own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import Device, public_der
from zorgid import clock
from zorgid.protocol.messages import b64encode
from zorgid.protocol.widscan import (
    WidCheckRecord,
    WidCheckRecordRequest,
    WidScanLinkApproval,
    WidScanLinkApprovalRequest,
    WidScanLinkClaim,
    WidScanLinkClaimRequest,
    WidScanLinkOffer,
    WidScanLinkOfferRequest,
    key_digest,
    widscan_approval_path,
    widscan_checks_path,
    widscan_claim_path,
    widscan_decline_path,
    widscan_links_path,
    widscan_state_path,
)


def now_s() -> int:
    return int(clock.now().timestamp())


def sign(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def post(client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def offer_body(device: Device, *, signed_at: int | None = None, key=None, unlock_token: str | None = None) -> dict:
    """Step 1 as the ZORG-ID app sends it: a fresh unlock's token and the offer signed with the Mobile ID key."""
    signed_at = now_s() if signed_at is None else signed_at
    if unlock_token is None:
        answer = device.unlock()
        unlock_token = answer.json()["unlock_token"] if answer.status_code == 200 else "unlock-refused-0000000"
    signature = sign(key or device.key, WidScanLinkOffer(device.mobile_id, signed_at).canonical_bytes())
    return WidScanLinkOfferRequest(unlock_token=unlock_token, mobile_id=device.mobile_id, signed_at=signed_at,
                                   signature=b64encode(signature)).to_json()


def offer(device: Device) -> dict:
    response = post(device.client, widscan_links_path(), offer_body(device))
    assert response.status_code == 201, response.content
    return response.json()


def approval_body(device: Device, link: str, digest: str, *, signed_at: int | None = None, key=None,
                  mobile_id: str | None = None) -> dict:
    signed_at = now_s() if signed_at is None else signed_at
    mobile_id = mobile_id or device.mobile_id
    message = WidScanLinkApproval(link, mobile_id, digest, signed_at)
    return WidScanLinkApprovalRequest(mobile_id=mobile_id, key_digest=digest, signed_at=signed_at,
                                      signature=b64encode(sign(key or device.key, message.canonical_bytes()))).to_json()


@dataclass
class Scanner:
    """The WID scan app: its EC P-256 key, the link it claimed and the code of the QR it scanned."""

    client: object
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    link: str = ""
    code: str = ""
    signed_at: int = 0  # the last record's moment

    @property
    def public_key(self) -> bytes:
        return public_der(self.key)

    @property
    def digest(self) -> str:
        return key_digest(self.public_key)

    def claim_body(self, link: str, code: str, *, signed_at: int | None = None, key=None, public_key=None,
                   device_name: str = "Pixel van de balie") -> dict:
        signed_at = now_s() if signed_at is None else signed_at
        public_key = self.public_key if public_key is None else public_key
        message = WidScanLinkClaim(link, code, public_key, signed_at)
        return WidScanLinkClaimRequest(code=code, public_key=public_key, signed_at=signed_at,
                                       signature=sign(key or self.key, message.canonical_bytes()),
                                       device_name=device_name).to_json()

    def claim(self, link: str, code: str, **kwargs):
        self.link, self.code = link, code
        return post(self.client, widscan_claim_path(link), self.claim_body(link, code, **kwargs))

    def state(self, link: str | None = None, code: str | None = None):
        return post(self.client, widscan_state_path(link or self.link), {"code": code or self.code})

    def record_body(self, *, outcome: str = "geldig", purpose: str = "patient", signed_at: int | None = None,
                    key=None, link: str | None = None, holder_birth_date: dt.date | None = None) -> dict:
        if signed_at is None:
            signed_at = max(now_s(), self.signed_at + 1)
            self.signed_at = signed_at
        failed = () if outcome == "geldig" else ("expiry", "mrz_check_digit")
        record = WidCheckRecord(link=link or self.link, purpose=purpose, document_type="paspoort",
                                number_last4="X7K9", expiry_date=dt.date(2031, 5, 17), outcome=outcome,
                                failed_checks=failed, signed_at=signed_at, holder_birth_date=holder_birth_date)
        return WidCheckRecordRequest.of(record, sign(key or self.key, record.canonical_bytes())).to_json()

    def record(self, **kwargs):
        return post(self.client, widscan_checks_path(), self.record_body(**kwargs))


def link_up(device: Device, scanner: Scanner) -> str:
    """The four steps, all accepted: the link's id."""
    offered = offer(device)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    response = post(device.client, widscan_approval_path(offered["link"]),
                    approval_body(device, offered["link"], scanner.digest))
    assert response.status_code == 200, response.content
    return offered["link"]


def decline(client, link: str, code: str):
    return post(client, widscan_decline_path(link), {"code": code})
