"""Names instead of codes (administration.display_names): card types, role codes, Mobile IDs."""

import datetime as dt

import pytest
from django.utils import translation

from zorgid.administration.display_names import card_type_name, mobile_id_name, role_display, short_id
from zorgid.pki.uzi.othername import CARD_TYPES


@pytest.mark.parametrize(("code", "dutch", "english"), [
    ("Z", "Zorgverlenerpas (Z)", "Healthcare provider card (Z)"),
    ("N", "Medewerkerpas op naam (N)", "Named employee card (N)"),
    ("M", "Medewerkerpas niet op naam (M)", "Unnamed employee card (M)"),
    ("S", "Servercertificaat (S)", "Server certificate (S)"),
])
def test_card_types_by_name(code, dutch, english):
    with translation.override("nl"):
        assert card_type_name(code) == dutch
    with translation.override("en"):
        assert card_type_name(code) == english


def test_every_card_type_is_named():
    assert set(CARD_TYPES) == {"Z", "N", "M", "S"}
    assert card_type_name("X") == "X"


def test_role_codes_by_name_with_the_code():
    with translation.override("nl"):
        assert role_display("01.015") == "Arts – huisarts (01.015)"
        assert role_display("30.000") == "Verpleegkundige (30.000)"
        assert role_display("00.000") == "Geen beroepsrol (00.000)"
        assert role_display("bad") == "bad"
    with translation.override("en"):
        assert role_display("00.000") == "No professional role (00.000)"


def test_a_mobile_id_by_its_activation_date_in_dutch_time():
    late = dt.datetime(2026, 3, 11, 23, 30, tzinfo=dt.UTC)  # 12-03-2026 00:30 in Amsterdam
    with translation.override("nl"):
        assert mobile_id_name(late) == "Mobile ID van 12-03-2026"
    with translation.override("en"):
        assert mobile_id_name(late) == "Mobile ID of 12-03-2026"
    assert short_id("0123456789abcdef0123456789abcdef") == "01234567"


def test_a_mobile_id_with_its_phone_by_name_in_both_languages():
    late = dt.datetime(2026, 3, 11, 23, 30, tzinfo=dt.UTC)
    with translation.override("nl"):
        assert mobile_id_name(late, "iPhone van Jan", "875b") == "Mobile ID van 12-03-2026, toestel “iPhone van Jan”"
    with translation.override("en"):
        assert mobile_id_name(late, "iPhone van Jan", "875b") == "Mobile ID of 12-03-2026, device “iPhone van Jan”"


def test_a_mobile_id_without_a_phone_name_falls_back_to_its_short_id():
    late = dt.datetime(2026, 3, 11, 23, 30, tzinfo=dt.UTC)
    with translation.override("nl"):
        assert mobile_id_name(late, "", "875b9e80aa11") == "Mobile ID van 12-03-2026 (875b9e80)"
        assert mobile_id_name(late, "") == "Mobile ID van 12-03-2026"
