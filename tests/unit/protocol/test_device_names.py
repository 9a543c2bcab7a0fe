"""The phone's name that the app sends with an activation and a restore (zorgid.protocol.device_names): one line of
at most 64 characters after trimming, nothing invisible; an optional field added within APP_VERSION 3
(docs/architecture.md, "Versions")."""

import pytest

from zorgid.protocol.bodies import ActivationRequest, KeySharePinRequest
from zorgid.protocol.device_names import DeviceNameInvalid, clean_device_name

ACTIVATION = {"v": 3, "code": "c" * 32, "csr": "-----BEGIN CERTIFICATE REQUEST-----", "pin_proof": "A" * 43,
              "device_key": "AAAA"}
PIN_CHANGE = {"v": 3, "pin_proof": "A" * 43, "signed_at": 1, "signature": "AAAA", "device_key": "AAAA"}


def test_a_name_is_trimmed_and_kept_in_nfc():
    assert clean_device_name("  iPhone van Jan  ") == "iPhone van Jan"
    assert clean_device_name("Telefoon Jose\u0301") == "Telefoon Jos\u00e9"
    assert clean_device_name("x" * 64 + "   ") == "x" * 64


@pytest.mark.parametrize("name", [
    "", "   ", "x" * 65, "Jan\nPhone", "Jan\tPhone", "Jan\x07", "Jan\u200bPhone", "Jan\u202ePhone", "Jan\u2028Phone",
    "Jan\ue000", None, 12,
])
def test_an_empty_long_or_invisible_name_is_refused_with_its_code(name):
    with pytest.raises(DeviceNameInvalid) as refused:
        clean_device_name(name)
    assert refused.value.code == "ZID-DEVICE-NAME-INVALID" and refused.value.status == 400


def test_a_request_without_the_name_reads_as_none_and_is_sent_without_it():
    assert ActivationRequest.from_json(ACTIVATION).device_name == ""
    assert KeySharePinRequest.from_json(PIN_CHANGE).device_name == ""
    assert "device_name" not in ActivationRequest.from_json(ACTIVATION).to_json()
    assert "device_name" not in KeySharePinRequest.from_json(PIN_CHANGE).to_json()


def test_the_name_travels_in_both_requests():
    sent = ActivationRequest.from_json({**ACTIVATION, "device_name": "iPhone van Jan"}).to_json()
    assert sent["device_name"] == "iPhone van Jan"
    assert ActivationRequest.from_json(sent).device_name == "iPhone van Jan"
    assert KeySharePinRequest.from_json({**PIN_CHANGE, "device_name": "Pixel"}).device_name == "Pixel"
