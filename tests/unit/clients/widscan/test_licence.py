"""The driving licence's expiry date as the employee types it off the card (zorgid.clients.widscan.licence)."""

from __future__ import annotations

from datetime import date

import pytest

from zorgid.clients.widscan.app_errors import ExpiryDateInvalid
from zorgid.clients.widscan.licence import EARLIEST, parse_expiry

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("typed", "expected"), [
    ("09-03-2031", date(2031, 3, 9)),
    ("9-3-2031", date(2031, 3, 9)),
    ("09.03.2031", date(2031, 3, 9)),  # as the card prints it
    (" 09-03-2031\n", date(2031, 3, 9)),
    ("02-12-2036", date(2036, 12, 2)),  # ten years from today: the longest validity
    ("01-12-2026", date(2026, 12, 1)),  # yesterday: a date, the check says expired
    ("01-01-2000", EARLIEST),
])
def test_a_date_as_dd_mm_jjjj_is_read(typed, expected):
    assert parse_expiry(typed, TODAY) == expected


@pytest.mark.parametrize(("typed", "detail"), [
    ("31-02-2030", "bestaat niet"),
    ("29-02-2031", "bestaat niet"),
    ("1-1-99", "geen datum als dd-mm-jjjj"),
    ("01-01-30", "geen datum als dd-mm-jjjj"),
    ("09-03-02031", "geen datum als dd-mm-jjjj"),
    ("09-03.2031", "geen datum als dd-mm-jjjj"),
    ("2031-03-09", "geen datum als dd-mm-jjjj"),
    ("٠٩-٠٣-٢٠٣١", "geen datum als dd-mm-jjjj"),  # Arabic-Indic digits are digits to Python, not to a card
    ("", "geen datum getypt"),
    ("01-01-3000", "meer dan 10 jaar na vandaag"),
    ("03-12-2036", "meer dan 10 jaar na vandaag"),
    ("31-12-1999", "vóór 01-01-2000"),
])
def test_what_cannot_be_a_driving_licence_expiry_is_refused_with_its_code(typed, detail):
    with pytest.raises(ExpiryDateInvalid) as refused:
        parse_expiry(typed, TODAY)
    assert refused.value.code == "ZID-WIDSCAN-APP-EXPIRY-DATE"
    assert detail in refused.value.detail_in("nl")


def test_ten_years_from_29_february_is_28_february():
    assert parse_expiry("28-02-2038", date(2028, 2, 29)) == date(2038, 2, 28)
    with pytest.raises(ExpiryDateInvalid):
        parse_expiry("01-03-2038", date(2028, 2, 29))


def test_a_long_typed_text_is_cut_in_the_detail():
    with pytest.raises(ExpiryDateInvalid) as refused:
        parse_expiry("x" * 500, TODAY)
    assert len(refused.value.detail_in("nl")) < 120
