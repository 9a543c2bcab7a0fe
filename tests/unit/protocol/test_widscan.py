"""The WID scan app's protocol: its link QR, the messages it signs and the check it records."""

import datetime as dt

import pytest

from zorgid.protocol.errors import MessageMalformed, PayloadMalformed
from zorgid.protocol.widscan import (
    WidCheckRecord,
    WidCheckRecordRequest,
    WidScanLinkApproval,
    WidScanLinkClaim,
    WidScanLinkPayload,
    confirmation_code,
    confirmation_code_of_digest,
    key_digest,
    parse_widscan_payload,
)

LINK, CODE = "L" * 22, "c" * 22


def record(**changes):
    fields = dict(link=LINK, purpose="patient", document_type="paspoort", number_last4="SPEC",
                  expiry_date=dt.date(2031, 3, 9), outcome="geldig", failed_checks=(), signed_at=1_800_000_000)
    return WidCheckRecord(**{**fields, **changes})


def test_the_link_qr_reads_back_as_it_was_made():
    payload = WidScanLinkPayload("https://Portal.Example", LINK, CODE)
    assert parse_widscan_payload(payload.to_uri()) == WidScanLinkPayload("https://portal.example", LINK, CODE)


@pytest.mark.parametrize("text", [
    "", "zorgid://link?v=1&server=https%3A%2F%2Fp.example&link=" + LINK + "&code=" + CODE,
    "zorgid-widscan://link?v=1&server=https%3A%2F%2Fp.example&link=" + LINK,
    "zorgid-widscan://link?v=1&server=https%3A%2F%2Fp.example&link=" + LINK + "&code=short",
    "zorgid-widscan://link?v=1&server=https%3A%2F%2Fp.example&link=" + LINK + "&code=" + CODE + "&x=1",
    "zorgid-widscan://login?v=1&server=https%3A%2F%2Fp.example&link=" + LINK + "&code=" + CODE,
    "zorgid-widscan://link?v=1&server=ftp%3A%2F%2Fp.example&link=" + LINK + "&code=" + CODE,
    "x" * 600, "zorgid-widscan://[::1",
    "zorgid-widscan://link?v=1&server=http%3A%2F%2F%5Bx&link=" + LINK + "&code=" + CODE,
])
def test_a_malformed_link_qr_is_refused(text):
    with pytest.raises(PayloadMalformed):
        parse_widscan_payload(text)


def test_the_confirmation_code_is_six_digits_and_names_the_key():
    first, other = confirmation_code(LINK, b"key one"), confirmation_code(LINK, b"key two")
    assert len(first) == 6 and first.isdigit() and first != other
    assert confirmation_code(LINK, b"key one") == first and confirmation_code("M" * 22, b"key one") != first
    # the ZORG-ID app, which knows only the digest of the key it approves, finds the same code
    assert confirmation_code_of_digest(LINK, key_digest(b"key one")) == first


def test_each_signed_message_names_its_own_type():
    claim = WidScanLinkClaim(LINK, CODE, b"key", 1_800_000_000).canonical_bytes()
    approval = WidScanLinkApproval(LINK, "m" * 32, key_digest(b"key"), 1_800_000_000).canonical_bytes()
    checked = record().canonical_bytes()
    assert b'"type":"zorgid.widscan.claim"' in claim and b'"type":"zorgid.widscan.approval"' in approval
    assert b'"type":"zorgid.widscan.check"' in checked and len({claim, approval, checked}) == 3


def test_a_recorded_check_travels_and_reads_back_unchanged():
    sent = record(outcome="ongeldig", failed_checks=("expiry", "check_digit_number"))
    body = WidCheckRecordRequest.of(sent, b"signature").to_json()
    assert "SPECI2014" not in str(body) and body["number_last4"] == "SPEC"
    assert WidCheckRecordRequest.from_json(body).record() == sent


@pytest.mark.parametrize("changes", [
    {"purpose": "anyone"}, {"document_type": "bibliotheekpas"}, {"number_last4": "SPECI"}, {"number_last4": "sp<c"},
    {"outcome": "misschien"}, {"outcome": "geldig", "failed_checks": ("expiry",)}, {"outcome": "ongeldig"},
    {"failed_checks": ("Expiry!",), "outcome": "ongeldig"}, {"signed_at": 0}, {"signed_at": True},
    {"expiry_date": dt.datetime(2031, 1, 1)}, {"link": "short"},
    {"holder_birth_date": dt.date(1990, 6, 1)},  # a patient's birth date never travels
    {"purpose": "medewerker", "holder_birth_date": "1990-06-01"},
    {"purpose": "medewerker", "holder_birth_date": dt.datetime(1990, 6, 1)},
])
def test_a_malformed_check_is_refused(changes):
    with pytest.raises(MessageMalformed):
        record(**changes)


def test_a_check_with_a_date_that_does_not_exist_is_refused():
    body = WidCheckRecordRequest.of(record(), b"signature").to_json()
    with pytest.raises(MessageMalformed, match="expiry_date"):
        WidCheckRecordRequest.from_json({**body, "expiry_date": "2031-02-30"}).record()


def test_an_employees_birth_date_travels_signed_and_a_patients_check_is_signed_as_before():
    sent = record(purpose="medewerker", holder_birth_date=dt.date(1990, 6, 1))
    body = WidCheckRecordRequest.of(sent, b"signature").to_json()
    assert body["holder_birth_date"] == "1990-06-01"
    assert WidCheckRecordRequest.from_json(body).record() == sent
    assert b'"holder_birth_date":"1990-06-01"' in sent.canonical_bytes()
    assert b"holder_birth_date" not in record().canonical_bytes()
    with pytest.raises(MessageMalformed, match="holder_birth_date"):
        WidCheckRecordRequest.from_json({**body, "holder_birth_date": "1990-02-30"}).record()
