"""Waiting status requests are bounded per process and per client address (docs/security.md)."""

import contextlib

from zorgid.flows.waiting import wait_slot


def test_a_client_gets_at_most_its_share_and_all_together_at_most_the_slots(settings, no_waiting_pages):
    settings.ZORGID_WAIT_SLOTS, settings.ZORGID_WAITS_PER_CLIENT = 3, 2
    settings.ZORGID_LOGIN_WAIT_SECONDS, settings.ZORGID_WAIT_RETRY_SECONDS = 20, 3
    with contextlib.ExitStack() as held:
        first = [held.enter_context(wait_slot("192.0.2.1", wanted=True)) for _ in range(3)]
        assert [slot.seconds for slot in first] == [20, 20, 0]
        assert first[2].refused and first[2].answer_fields() == {"retry_after": 3}
        other = held.enter_context(wait_slot("192.0.2.2", wanted=True))
        assert other.seconds == 20  # the third and last slot
        assert held.enter_context(wait_slot("192.0.2.3", wanted=True)).refused
    with wait_slot("192.0.2.1", wanted=True) as again:  # given back when the requests ended
        assert again.seconds == 20 and again.answer_fields() == {}


def test_a_status_request_that_does_not_ask_to_wait_takes_no_slot(settings):
    settings.ZORGID_WAIT_SLOTS = 0
    with wait_slot("192.0.2.1", wanted=False) as slot:
        assert slot.seconds == 0 and not slot.refused
