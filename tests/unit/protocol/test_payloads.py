import pytest

from zorgid.protocol.errors import PayloadMalformed, PayloadVersionUnsupported
from zorgid.protocol.payloads import ActivationPayload, LoginPayload, parse_payload

FLOW = "0123456789abcdef0123456789abcdef"


def test_login_payload_round_trips():
    payload = LoginPayload(server="https://Portaal.Example:8443", flow=FLOW)
    uri = payload.to_uri()
    assert uri == f"zorgid://login?v=1&server=https%3A%2F%2Fportaal.example%3A8443&flow={FLOW}"
    assert parse_payload(uri) == payload


def test_activation_payload_round_trips():
    payload = ActivationPayload(server="http://127.0.0.1:8000/", code="abcDEF_-0123456789xyz")
    assert payload.server == "http://127.0.0.1:8000"
    assert parse_payload(payload.to_uri()) == payload


@pytest.mark.parametrize("text", [
    "",
    "https://example.org",
    "zorgid://other?v=1&server=http%3A%2F%2Fa&flow=" + FLOW,
    "zorgid://login?server=http%3A%2F%2Fa&flow=" + FLOW,
    "zorgid://login?v=1&server=http%3A%2F%2Fa&flow=short",
    "zorgid://login?v=1&server=http%3A%2F%2Fa&flow=" + FLOW + "&extra=1",
    "zorgid://login?v=1&server=http%3A%2F%2Fa&flow=" + FLOW + "&flow=" + FLOW,
    "zorgid://login?v=1&server=ftp%3A%2F%2Fa&flow=" + FLOW,
    "zorgid://login?v=1&server=http%3A%2F%2Fuser%40evil&flow=" + FLOW,
    "zorgid://login?v=1&server=http%3A%2F%2Fa%2Fpath&flow=" + FLOW,
    "zorgid://login?v=1&server=http%3A%2F%2Fa&flow=" + "x" * 600,
    "zorgid://login?v=x&server=http%3A%2F%2Fa&flow=" + FLOW,
    "zorgid://login?v=1&server=http%3A%2F%2Fa&flow=" + FLOW + "#frag",
    "zorgid://login?v=1&server=http%3A%2F%2Fa%20b&flow=" + FLOW,
    "zorgid://login?v=1&&&",
])
def test_malformed_payloads_are_refused(text):
    with pytest.raises(PayloadMalformed) as info:
        parse_payload(text)
    assert info.value.code == "ZID-QR-MALFORMED"


def test_newer_version_is_refused_with_its_own_code():
    with pytest.raises(PayloadVersionUnsupported):
        parse_payload("zorgid://login?v=2&server=http%3A%2F%2Fa&flow=" + FLOW)


def test_non_text_is_refused():
    with pytest.raises(PayloadMalformed):
        parse_payload(None)  # type: ignore[arg-type]


def test_desktop_payload_round_trips_and_is_not_an_app_payload():
    from zorgid.protocol.payloads import CardPayload, parse_desktop_payload

    payload = CardPayload(server="http://127.0.0.1:8000", flow=FLOW)
    uri = payload.to_uri()
    assert uri.startswith("zorgid-desktop://card?v=1&server=")
    assert parse_desktop_payload(uri) == payload
    with pytest.raises(PayloadMalformed):
        parse_payload(uri)
    with pytest.raises(PayloadMalformed):
        parse_desktop_payload(LoginPayload(server="http://a", flow=FLOW).to_uri())
