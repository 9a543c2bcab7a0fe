"""The one clock-skew rule: signed within CLOCK_SKEW_SECONDS of the server's clock, each kind with its own error."""

import datetime as dt

import pytest

from zorgid.flows.errors import CardClockSkew, LoginClockSkew
from zorgid.identities.errors import DeviceClockSkew, PinChangeClockSkew
from zorgid.protocol.clock_skew import check_signed_at
from zorgid.protocol.messages import CLOCK_SKEW_SECONDS

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("skew", [-CLOCK_SKEW_SECONDS, 0, CLOCK_SKEW_SECONDS])
def test_a_time_within_the_skew_is_taken(skew):
    check_signed_at(NOW.timestamp() + skew, NOW, LoginClockSkew)


@pytest.mark.parametrize("skew", [-CLOCK_SKEW_SECONDS - 1, CLOCK_SKEW_SECONDS + 0.5, -1e12])
def test_a_time_beyond_the_skew_is_refused_with_the_given_error(skew):
    with pytest.raises(CardClockSkew) as refused:
        check_signed_at(NOW.timestamp() + skew, NOW, CardClockSkew)
    assert "from the server" in refused.value.detail


def test_each_kind_of_signed_message_has_its_own_code_cause_and_solution():
    kinds = [LoginClockSkew, CardClockSkew, PinChangeClockSkew, DeviceClockSkew]
    assert [kind.code for kind in kinds] == ["ZID-LOGIN-CLOCK", "ZID-CARD-CLOCK", "ZID-PIN-CHANGE-CLOCK",
                                             "ZID-DEVICE-CLOCK"]
    assert all(kind.status == 400 for kind in kinds)
    assert len({(kind.cause_nl, kind.solution_nl) for kind in kinds}) == len(kinds)
