"""pki.uzi.numbers: a URA (8 digits) and a UZI number (9 digits) check themselves when built, with a code."""

import pytest

from zorgid.pki.uzi.errors import UraInvalid, UziNumberInvalid
from zorgid.pki.uzi.numbers import Ura, UziNumber


@pytest.mark.parametrize("text, wanted", [("90000382", "90000382"), (" 90000382\n", "90000382"),
                                          ("00000000", "00000000")])
def test_a_good_ura_is_kept(text, wanted):
    assert Ura(text).value == str(Ura(text)) == wanted


@pytest.mark.parametrize("text", ["", "9000038", "900003821", "9000 0382", "9000038a", "٩٠٠٠٠٣٨٢", "90000382\x00",
                                  None, 90000382])
def test_a_bad_ura_is_refused_with_its_code(text):
    with pytest.raises(UraInvalid) as refused:
        Ura(text)
    assert (refused.value.code, refused.value.status) == ("ZID-URA-INVALID", 400)


@pytest.mark.parametrize("text, wanted", [("900016528", "900016528"), ("900 016 528", "900016528"),
                                          ("\t900016528 ", "900016528")])
def test_a_good_uzi_number_is_kept_without_spaces(text, wanted):
    assert UziNumber(text).value == str(UziNumber(text)) == wanted


@pytest.mark.parametrize("text", ["", "90001652", "9000165280", "90001652x", "９００016528", "900-016-528", None])
def test_a_bad_uzi_number_is_refused_with_its_code(text):
    with pytest.raises(UziNumberInvalid) as refused:
        UziNumber(text)
    assert (refused.value.code, refused.value.status) == ("ZID-UZI-NUMBER-INVALID", 400)
