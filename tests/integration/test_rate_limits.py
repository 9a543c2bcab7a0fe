"""Request limits (docs/security.md): a budget per client address, a larger one per logged-in Mobile ID, and
tighter limits per address on the addresses that cost or risk more; refused with 429, ZID-RATE-LIMIT and
Retry-After, as a page or as the API's JSON error."""

import pytest
from django.test import Client

from tests.integration.test_login_api import approve, fetch, start_flow, status
from zorgid.protocol.messages import b64encode

pytestmark = pytest.mark.django_db

CODE = "ZID-RATE-LIMIT"


@pytest.fixture
def limits(settings):
    """The real numbers (the suite raises them), with the given rules made small."""
    settings.ZORGID_RATE_LIMIT_FACTOR = 1

    def set_rules(**rules):
        settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS,
                                       **{name.replace("_", "-"): value for name, value in rules.items()}}

    return set_rules


def log_in(client, device) -> Client:
    browser = Client()
    flow_id = start_flow(browser)
    assert approve(client, flow_id, device.approval(fetch(client, flow_id).json())).status_code == 200
    assert status(browser, flow_id).json()["state"] == "done"
    return browser


def test_an_anonymous_page_over_the_budget_is_refused_with_the_error_page(client, limits):
    limits(client_read=(3, 60))
    assert [client.get("/foutmeldingen").status_code for _ in range(3)] == [200, 200, 200]
    page = client.get("/foutmeldingen")
    assert page.status_code == 429 and CODE in page.content.decode()
    assert 1 <= int(page["Retry-After"]) <= 60


def test_an_api_request_over_the_budget_gets_the_json_error(client, limits):
    limits(client_read=(1, 60))
    client.get("/api/v1/login-flows/" + "0" * 32)
    answer = client.get("/api/v1/login-flows/" + "0" * 32)
    assert answer.status_code == 429 and answer.json()["error"]["code"] == CODE
    assert answer.json()["error"]["detail"] == f"try again in {answer['Retry-After']} s"


def test_reads_and_writes_have_budgets_of_their_own(client, limits):
    limits(client_read=(1, 60), client_write=(1, 60))
    assert client.get("/foutmeldingen").status_code == 200
    assert client.post("/api/v1/activations", {}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/activations", {}, content_type="application/json").status_code == 429
    assert client.get("/foutmeldingen").status_code == 429


def test_an_application_servers_token_and_userinfo_requests_have_a_budget_of_their_own(client, limits):
    """One application server may log in a whole hospital: its token and userinfo requests do not spend (and are
    not refused by) an anonymous client's budget, but by their own."""
    limits(client_read=(1, 60), client_write=(1, 60), application_server=(3, 60))
    answers = [client.post("/oidc/token", {}).status_code, client.get("/oidc/userinfo").status_code,
               client.post("/oidc/token", {}).status_code]
    assert 429 not in answers
    assert client.post("/oidc/token", {}).status_code == 429
    assert client.get("/foutmeldingen").status_code == 200  # the anonymous budget was not spent
    assert client.post("/api/v1/activations", {}, content_type="application/json").status_code == 400


def test_client_addresses_count_apart(limits):
    limits(client_read=(1, 60))
    assert Client(REMOTE_ADDR="192.0.2.1").get("/foutmeldingen").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.2").get("/foutmeldingen").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.1").get("/foutmeldingen").status_code == 429


def test_a_logged_in_session_counts_per_mobile_id_with_its_own_larger_budget(client, device, limits):
    browser = log_in(client, device)
    limits(client_read=(1, 60), logged_in=(3, 60))
    assert [browser.get("/overzicht").status_code for _ in range(3)] == [200, 200, 200]  # not the address's 1
    refused = browser.get("/overzicht")
    assert refused.status_code == 429 and CODE in refused.content.decode()  # a budget, not none


@pytest.mark.parametrize(("rule", "method", "address"), [
    ("activation", "post", "/api/v1/activations"),
    ("key-share-unlock", "post", "/api/v1/key-shares/{mobile_id}/unlock"),
    ("key-share-pin", "post", "/api/v1/key-shares/{mobile_id}/pin"),
    ("login-approval", "post", "/api/v1/login-flows/{flow}/approval"),
    ("card-response", "post", "/api/v1/card-flows/{flow}/response"),
    ("application-document", "put", "/api/v1/applications/ZID-2026-ABCDEFGH/document"),
])
def test_the_costly_api_addresses_have_a_tighter_limit_per_address(client, settings, limits, rule, method,
                                                                     address):
    limits(**{rule.replace("-", "_"): (2, 60)})
    address = address.format(mobile_id="0" * 32, flow="0" * 32)
    body = {"v": 2, "pin_proof": b64encode(bytes(32))}
    send = getattr(client, method)
    kinds = ("application/xml", b"<a/>") if method == "put" else ("application/json", body)
    answers = [send(address, kinds[1], content_type=kinds[0]).status_code for _ in range(3)]
    assert 429 not in answers[:2] and answers[2] == 429


def test_the_start_page_makes_a_limited_number_of_login_flows_per_address(client, limits):
    limits(login_start=(2, 60))
    assert [Client().get("/").status_code for _ in range(2)] == [200, 200]
    assert Client().get("/").status_code == 429


def test_the_public_application_form_is_limited_per_address(client, limits):
    limits(application_form=(2, 3600))
    assert client.get("/aanvragen/nieuw").status_code == 200  # reading the form is not counted
    answers = [client.post("/aanvragen/nieuw", {}).status_code for _ in range(3)]
    assert 429 not in answers[:2] and answers[2] == 429


def test_the_upload_page_is_limited_per_address(client, limits):
    limits(application_upload=(1, 3600))
    assert client.post("/aanvragen/document", {}).status_code != 429
    assert client.post("/aanvragen/document", {}).status_code == 429


def test_the_public_error_list_names_the_new_codes(client):
    page = client.get("/foutmeldingen").content.decode()
    assert "ZID-RATE-LIMIT" in page and "ZID-INPUT-CONTROL-CHARACTER" in page


def test_revocation_checks_have_a_budget_of_their_own_and_ocsp_is_told_to_try_later(client, limits):
    """A relying party checks many certificates from one address: CRL and OCSP requests do not spend an anonymous
    client's budget, and over their own an OCSP client gets OCSP's "try later" (RFC 6960), not a page."""
    from cryptography.x509 import ocsp

    limits(client_read=(1, 60), client_write=(1, 60), revocation_check=(3, 60))
    answers = [client.post("/pki/ocsp", b"not ocsp", content_type="application/ocsp-request") for _ in range(3)]
    assert [ocsp.load_der_ocsp_response(a.content).response_status for a in answers] == [
        ocsp.OCSPResponseStatus.MALFORMED_REQUEST] * 3
    refused = client.post("/pki/ocsp", b"not ocsp", content_type="application/ocsp-request")
    assert refused["Content-Type"] == "application/ocsp-response"
    assert ocsp.load_der_ocsp_response(refused.content).response_status == ocsp.OCSPResponseStatus.TRY_LATER
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/foutmeldingen").status_code == 200  # the anonymous budget was not spent


def test_behind_a_trusted_proxy_clients_count_apart_by_the_address_the_proxy_saw(limits, settings):
    settings.ZORGID_TRUSTED_PROXIES = ["10.0.0.5"]
    limits(client_read=(1, 60))
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.1").get("/foutmeldingen").status_code == 200
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.2").get("/foutmeldingen").status_code == 200
    # a client cannot win a new budget by writing an address of its own before the one the proxy appends
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.1").get("/foutmeldingen").status_code == 429
