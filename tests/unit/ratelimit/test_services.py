"""Counting requests per key and window: atomic, shared by every process, and purged (docs/security.md)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from zorgid import clock
from zorgid.ratelimit.errors import RateLimited
from zorgid.ratelimit.models import Counter
from zorgid.ratelimit.services import count, hit, limit, purge

MINUTE = dt.timedelta(minutes=1)


def at(moment: dt.datetime) -> None:
    clock.move(moment - clock.now())


@pytest.fixture(autouse=True)
def _real_numbers(settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1


@pytest.mark.django_db
def test_the_request_over_the_limit_is_refused_with_the_seconds_to_wait():
    at(dt.datetime(2026, 3, 2, 9, 0, 20, tzinfo=dt.UTC))
    for _ in range(3):
        hit("ip:192.0.2.7", 3, MINUTE)
    with pytest.raises(RateLimited) as refused:
        hit("ip:192.0.2.7", 3, MINUTE)
    assert refused.value.code == "ZID-RATE-LIMIT" and refused.value.status == 429
    assert refused.value.retry_after == 40 and refused.value.detail == "try again in 40 s"


@pytest.mark.django_db
def test_keys_and_windows_count_apart():
    at(dt.datetime(2026, 3, 2, 9, 0, 58, tzinfo=dt.UTC))
    hit("ip:192.0.2.7", 1, MINUTE)
    hit("ip:192.0.2.8", 1, MINUTE)  # another client
    at(dt.datetime(2026, 3, 2, 9, 1, 0, tzinfo=dt.UTC))
    hit("ip:192.0.2.7", 1, MINUTE)  # the next window


@pytest.mark.django_db
def test_a_long_key_is_hashed_and_still_counted():
    key = "email:" + "a" * 300 + "@example.org"
    assert [count(key, MINUTE) for _ in range(3)] == [1, 2, 3]
    assert Counter.objects.get().key.startswith("sha256:")


@pytest.mark.django_db
def test_a_named_rule_takes_its_numbers_from_the_settings(settings):
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "activation": (2, 60)}
    limit("activation", "192.0.2.7")
    limit("activation", "192.0.2.7")
    with pytest.raises(RateLimited):
        limit("activation", "192.0.2.7")
    assert Counter.objects.get().key == "activation:192.0.2.7"


@pytest.mark.django_db
def test_the_factor_setting_scales_every_limit(settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 2
    for _ in range(4):
        hit("k", 2, MINUTE)
    with pytest.raises(RateLimited):
        hit("k", 2, MINUTE)


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_lose_no_increment():
    def hammer():
        try:
            for _ in range(25):
                count("ip:192.0.2.9", MINUTE)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter.objects.get(key="ip:192.0.2.9").count == 100


@pytest.mark.django_db
def test_purge_removes_only_the_windows_that_ended():
    at(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC))
    hit("old", 10, MINUTE)
    hit("long", 10, dt.timedelta(hours=1))
    at(dt.datetime(2026, 3, 2, 9, 5, 0, tzinfo=dt.UTC))
    hit("new", 10, MINUTE)
    assert purge(clock.now()) == 1
    assert sorted(Counter.objects.values_list("key", flat=True)) == ["long", "new"]
