import pytest

from zorgid.pki.uzi.errors import UziMalformed
from zorgid.pki.uzi.roles import BEROEPEN, role_name


@pytest.mark.parametrize(("code", "name"), [
    ("01.015", "Arts – huisarts"),
    ("01.004", "Arts – apotheekhoudend huisarts"),
    ("01.010", "Arts – cardioloog"),
    ("17.075", "Apotheker – openbaar apotheker"),
    ("17.060", "Apotheker – ziekenhuisapotheker"),
    ("01.000", "Arts"),
    ("30.000", "Verpleegkundige"),
    ("89.000", "Diëtist"),
    ("00.000", "Geen beroep (medewerker of server)"),
])
def test_known_codes_have_their_dutch_names(code, name):
    assert role_name(code) == name


def test_every_beroep_of_uzi_md_is_known():
    named = "01 02 03 04 16 17 25 30 31 81 82 83 84 86 89 90 91 92 95 96 79 80 99".split()
    assert set(named) <= set(BEROEPEN)


@pytest.mark.parametrize(("code", "name"), [
    ("42.000", "Onbekend beroep (rolcode 42.000)"),
    ("01.999", "Arts – onbekend specialisme (rolcode 01.999)"),
    ("00.015", "Onbekend beroep (rolcode 00.015)"),
])
def test_unknown_codes_of_the_right_form_get_a_generic_name(code, name):
    assert role_name(code) == name


@pytest.mark.parametrize("code", ["", "01", "01.15", "1.015", "01-015", "01.0150", "0a.015", "٠١.٠١٥", " 01.015", None])
def test_a_code_of_the_wrong_form_is_refused(code):
    with pytest.raises(UziMalformed):
        role_name(code)
