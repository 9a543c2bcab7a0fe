"""What zorgid-widscan records of a check: the kind, the last four characters, the expiry and the outcome only."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from zorgid.clients.widscan import mrz
from zorgid.clients.widscan.app_errors import DocumentNotRecordable
from zorgid.clients.widscan.report import masked, record_of

TODAY = dt.date.today()
LINK = "link-0123456789abcdef"


def checked(lines: tuple[str, ...]) -> mrz.MrzCheck:
    return mrz.check(mrz.parse("\n".join(lines), today=TODAY), TODAY)


def test_a_valid_passport_is_recorded_as_valid_without_failed_checks():
    expiry = TODAY + dt.timedelta(days=30)
    record = record_of(checked(mrz.compose_td3(expiry_date=expiry)), LINK, "patient", 1_800_000_000)
    assert (record.document_type, record.number_last4, record.expiry_date) == ("paspoort", "2014", expiry)
    assert (record.outcome, record.failed_checks) == ("geldig", ())


def test_an_expired_identity_card_is_recorded_as_invalid_naming_the_check():
    result = checked(mrz.compose_td1(expiry_date=TODAY - dt.timedelta(days=1)))
    record = record_of(result, LINK, "medewerker", 1_800_000_000)
    assert (record.document_type, record.outcome, record.failed_checks) == ("identiteitskaart", "ongeldig",
                                                                            ("expiry",))


def test_the_record_holds_no_name_birth_date_or_whole_number():
    result = checked(mrz.compose_td3(expiry_date=TODAY + dt.timedelta(days=30)))
    signed = record_of(result, LINK, "patient", 1_800_000_000).canonical_bytes()
    for secret in (b"SPECI2014", b"BRUIJN", b"WILLEKE", b"1965", b"999999990"):
        assert secret not in signed


def test_an_employees_document_carries_its_birth_date_and_a_patients_never():
    result = checked(mrz.compose_td3(expiry_date=TODAY + dt.timedelta(days=30)))
    assert record_of(result, LINK, "medewerker", 1_800_000_000).holder_birth_date == result.document.birth_date
    assert result.document.birth_date is not None
    assert record_of(result, LINK, "patient", 1_800_000_000).holder_birth_date is None


def test_a_driving_licence_has_no_expiry_in_its_mrz_and_is_not_recorded():
    result = checked(mrz.compose_driving_licence())
    with pytest.raises(DocumentNotRecordable) as refused:
        record_of(result, LINK, "patient", 1_800_000_000)
    assert "--expiry" in refused.value.detail_in("nl")


@pytest.mark.parametrize(("days", "outcome", "failed"), [(30, "geldig", ()), (-1, "ongeldig", ("expiry",))])
def test_a_driving_licence_with_its_typed_expiry_is_recorded_by_it(days, outcome, failed):
    expiry = TODAY + dt.timedelta(days=days)
    document = dataclasses.replace(mrz.parse(mrz.compose_driving_licence()[0], today=TODAY), expiry_date=expiry)
    record = record_of(mrz.check(document, TODAY), LINK, "patient", 1_800_000_000)
    assert (record.document_type, record.number_last4, record.expiry_date) == ("rijbewijs", "9990", expiry)
    assert (record.outcome, record.failed_checks) == (outcome, failed)


def test_masked_shows_the_last_four_characters_only():
    assert masked("SPECI2014") == "*****2014"
    assert masked("AB1") == "AB1"
