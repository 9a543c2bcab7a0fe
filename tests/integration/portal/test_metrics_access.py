"""Who may read /metrics (portal/metrics_access.py, docs/security.md "Health and metrics"): anyone in acceptatie;
in productie the configured bearer token or a configured network, else 403 ZID-METRICS-REFUSED, and with neither
configured 404 ZID-NOT-FOUND. X-Forwarded-For counts only from a trusted proxy."""

from __future__ import annotations

import pytest

from tests.integration.metrics_text import samples
from zorgid.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-of-the-test-0123456789"
REFUSED = (403, "ZID-METRICS-REFUSED")


def _outcome(response) -> tuple[int, str | None]:
    if response.status_code == 200:
        return 200, None
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def productie(settings):
    settings.ZORGID_ENVIRONMENT = "productie"
    settings.ZORGID_METRICS_TOKEN, settings.ZORGID_METRICS_NETWORKS = "", []
    settings.ZORGID_TRUSTED_PROXIES = []
    return settings


def test_in_acceptatie_anyone_reads_the_metrics_in_the_prometheus_text_format(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {name for name, _ in samples(response.content.decode())}
    assert "zorgid_mail_queue_length" in names


def test_the_mail_queue_length_is_counted_when_scraped(client):
    from zorgid.outbox.services import enqueue

    before = samples(client.get("/metrics").content.decode())[("zorgid_mail_queue_length", frozenset())]
    enqueue(["a@linde.example"], "Onderwerp", "Tekst")
    enqueue(["b@linde.example"], "Onderwerp", "Tekst")
    after = samples(client.get("/metrics").content.decode())[("zorgid_mail_queue_length", frozenset())]
    assert after - before == 2


def test_in_productie_without_token_or_networks_metrics_do_not_exist(client, productie):
    assert _outcome(client.get("/metrics")) == (404, "ZID-NOT-FOUND")
    assert _outcome(client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")) == (404, "ZID-NOT-FOUND")


def test_in_productie_the_token_opens_the_metrics(client, productie):
    productie.ZORGID_METRICS_TOKEN = TOKEN
    assert _outcome(client.get("/metrics")) == REFUSED
    assert _outcome(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")) == REFUSED
    assert _outcome(client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}")) == REFUSED
    assert _outcome(client.get("/metrics", HTTP_AUTHORIZATION="Bearer")) == REFUSED
    assert _outcome(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")) == (200, None)


def test_in_productie_a_configured_network_opens_the_metrics(client, productie):
    productie.ZORGID_METRICS_NETWORKS = ["10.20.0.0/16", "2001:db8::/32"]
    assert _outcome(client.get("/metrics", REMOTE_ADDR="10.20.3.4")) == (200, None)
    assert _outcome(client.get("/metrics", REMOTE_ADDR="2001:db8::7")) == (200, None)
    assert _outcome(client.get("/metrics", REMOTE_ADDR="10.21.3.4")) == REFUSED
    assert _outcome(client.get("/metrics", REMOTE_ADDR="127.0.0.1")) == REFUSED


def test_x_forwarded_for_counts_only_from_a_trusted_proxy_and_only_its_own_hop(client, productie):
    productie.ZORGID_METRICS_NETWORKS = ["10.20.0.0/16"]
    # from an address that is no trusted proxy the header is the client's own words
    assert _outcome(client.get("/metrics", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="10.20.3.4")) == REFUSED
    productie.ZORGID_TRUSTED_PROXIES = ["192.0.2.9"]
    assert _outcome(client.get("/metrics", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="10.20.3.4")) == (200, None)
    # the proxy appends the address it saw: what the client wrote before it does not count
    assert _outcome(client.get("/metrics", REMOTE_ADDR="192.0.2.9",
                               HTTP_X_FORWARDED_FOR="10.20.3.4, 203.0.113.5")) == REFUSED
    assert _outcome(client.get("/metrics", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="not an address")) == REFUSED
    # the proxy's own address is no client in the network
    assert _outcome(client.get("/metrics", REMOTE_ADDR="192.0.2.9")) == REFUSED


def test_in_productie_token_and_networks_each_open_the_metrics(client, productie):
    productie.ZORGID_METRICS_TOKEN, productie.ZORGID_METRICS_NETWORKS = TOKEN, ["10.20.0.0/16"]
    assert _outcome(client.get("/metrics", REMOTE_ADDR="10.20.3.4")) == (200, None)
    with_token = client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert _outcome(with_token) == (200, None)
    assert _outcome(client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_AUTHORIZATION="Bearer fout")) == REFUSED


def test_reading_the_metrics_writes_no_audit_event(client):
    events = AuditEvent.objects.count()
    client.get("/metrics")
    assert AuditEvent.objects.count() == events
