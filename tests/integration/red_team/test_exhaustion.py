"""Replays, over real HTTP, two ways to wear the server down (docs/security.md, "Request limits").

Long polls: every anonymous visitor of the start page gets a login flow of his own, and its status address
``/inloggen/status/<flow>?wait=1`` waits up to 20 s. Eighty of them at once held every thread of the server
and, on PostgreSQL, a database connection each: the public error list then took 18 s to answer. Now a
process lets only a few status requests wait at once, fewer of one client address, and a waiting request
holds no database connection; the others answer at once and say when to ask again. Every request also counts
against a budget per client address (429, ZID-RATE-LIMIT, Retry-After).

NUL bytes: a ``%00`` in an address or a query reached PostgreSQL, which refuses NUL in text: HTTP 500.
Now it is refused first, with 400 and ZID-INPUT-CONTROL-CHARACTER, on SQLite and PostgreSQL alike.

A live server (threads, as gunicorn's gthread workers) runs the portal and the API; httpx is the attacker.
On the code before the fix every test here fails.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from tests.conftest import wait_until
from tests.integration.db_connections import connections_in_use
from tests.integration.test_control_characters import ADDRESSES as NUL_ADDRESSES
from zorgid.flows.waiting import waits_now

pytestmark = pytest.mark.django_db(transaction=True)

FLOW = re.compile(r'data-status-url="/inloggen/status/([0-9a-f]{32})"')
OPEN: list[httpx.Client] = []


def open_client(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    OPEN.append(client)
    return client


@pytest.fixture(autouse=True)
def _close_clients():
    """Closed clients end the live server's threads, and their database sessions, before the next test."""
    yield
    while OPEN:
        OPEN.pop().close()


class Visitor:
    """An anonymous browser with a login flow of its own, as the start page gives every visitor."""

    def __init__(self, base: str) -> None:
        self.http = open_client(base)
        self.flow = FLOW.search(self.http.get("/").text).group(1)

    def status(self, wait: bool = True) -> httpx.Response:
        return self.http.get(f"/inloggen/status/{self.flow}", params={"wait": "1"} if wait else None,
                             headers={"Accept": "application/json"})


def hold_waits(visitors: list[Visitor]) -> tuple[ThreadPoolExecutor, list]:
    pool = ThreadPoolExecutor(max_workers=len(visitors))
    return pool, [pool.submit(visitor.status) for visitor in visitors]


@pytest.fixture
def short_waits(settings, no_waiting_pages):
    settings.ZORGID_LOGIN_WAIT_SECONDS = 4
    return settings


def test_one_client_holds_at_most_its_share_of_waiting_requests(live_server, short_waits):
    short_waits.ZORGID_WAITS_PER_CLIENT = 4
    visitors = [Visitor(live_server.url) for _ in range(5)]
    pool, held = hold_waits(visitors[:4])
    try:
        wait_until(lambda: waits_now() == 4)
        fifth = visitors[4].status()  # answers at once, without waiting, and says when to ask again
        assert fifth.status_code == 200
        assert fifth.json() == {"state": "pending", "retry_after": short_waits.ZORGID_WAIT_RETRY_SECONDS}
        page = httpx.get(f"{live_server.url}/foutmeldingen", timeout=60)
        assert page.status_code == 200
    finally:
        assert [future.result().json() for future in held] == [{"state": "pending"}] * 4
        pool.shutdown()


def test_all_clients_together_hold_at_most_the_waiting_slots(live_server, short_waits):
    short_waits.ZORGID_WAIT_SLOTS = 3
    visitors = [Visitor(live_server.url) for _ in range(4)]
    pool, held = hold_waits(visitors[:3])
    try:
        wait_until(lambda: waits_now() == 3)
        assert "retry_after" in visitors[3].status().json()
    finally:
        for future in held:
            future.result()
        pool.shutdown()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server connections to hold")
def test_waiting_requests_hold_no_database_connections(live_server, short_waits):
    short_waits.ZORGID_LOGIN_WAIT_SECONDS = 6
    before = connections_in_use()
    visitors = [Visitor(live_server.url) for _ in range(8)]
    pool, held = hold_waits(visitors)
    try:
        wait_until(lambda: waits_now() == 8)
        assert connections_in_use() == before  # not one per wait (db_connections.py)
    finally:
        for future in held:
            future.result()
        pool.shutdown()


def test_a_client_that_keeps_asking_gets_429_with_retry_after(live_server, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "client-read": (5, 60)}
    http = open_client(live_server.url)
    assert [http.get("/foutmeldingen").status_code for _ in range(5)] == [200] * 5
    page = http.get("/foutmeldingen")
    assert page.status_code == 429 and "ZID-RATE-LIMIT" in page.text and 1 <= int(page.headers["Retry-After"]) <= 60
    api = http.get("/api/v1/login-flows/" + "0" * 32)
    assert api.status_code == 429 and api.json()["error"]["code"] == "ZID-RATE-LIMIT"
    assert "Retry-After" in api.headers


def test_a_client_that_keeps_unlocking_is_refused_per_address(live_server, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "key-share-unlock": (3, 60)}
    http = open_client(live_server.url)
    answers = [http.post(f"/api/v1/key-shares/{index:032x}/unlock", json={"v": 2, "pin_proof": ""})
               for index in range(4)]  # a different (unknown) ID each time: the per-ID tries do not stop it
    assert 429 not in [answer.status_code for answer in answers[:3]]
    assert answers[3].status_code == 429 and answers[3].json()["error"]["code"] == "ZID-RATE-LIMIT"




def test_nul_bytes_in_addresses_are_refused_not_a_server_error(live_server):
    http = open_client(live_server.url)
    seen = {}
    for method, address in NUL_ADDRESSES:
        body = b'{"v": 2, "pin_proof": ""}' if method == "POST" else b"<a/>" if method == "PUT" else None
        response = http.request(method, address, content=body, headers={"Accept": "application/json"})
        seen[address] = (response.status_code, "ZID-INPUT-CONTROL-CHARACTER" in response.text)
    assert seen == {address: (400, True) for _, address in NUL_ADDRESSES}
