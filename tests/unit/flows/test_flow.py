"""One abstract Flow for every time-bound flow: login flows and card sessions share its fields and rules."""

import datetime as dt

import pytest
from django.db import models

from zorgid.flows.errors import CardFlowNotYours, CardFlowUsed, LoginFlowExpired, LoginFlowNotYours
from zorgid.flows.models import CardFlow, Flow, LoginFlow
from zorgid.hashing import token_hash as binding_hash

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
SHARED = {"id", "browser_binding", "origin", "requester_name", "issued_at", "expires_at", "state", "completed_at"}


def test_login_and_card_flows_are_flows_with_the_shared_fields():
    assert Flow._meta.abstract
    for model in (LoginFlow, CardFlow):
        assert issubclass(model, Flow) and not model._meta.abstract
        assert SHARED <= {field.name for field in model._meta.get_fields() if isinstance(field, models.Field)}


@pytest.mark.parametrize("model", [LoginFlow, CardFlow])
def test_one_expiry_rule_a_flow_is_past_its_time_from_expires_at_on(model):
    flow = model(expires_at=NOW, state="pending")
    assert not flow.is_expired(NOW - dt.timedelta(microseconds=1)) and flow.valid(NOW - dt.timedelta(seconds=1))
    assert flow.is_expired(NOW) and not flow.valid(NOW)
    assert not model(expires_at=NOW, state="completed").valid(NOW - dt.timedelta(seconds=1))


def test_a_flow_answers_with_the_errors_of_its_own_kind():
    login = LoginFlow(expires_at=NOW, state="pending", browser_binding=binding_hash("mine"))
    card = CardFlow(expires_at=NOW, state="answered", browser_binding=binding_hash("mine"))
    assert login.check_browser("mine") is login and card.check_browser("mine") is card
    with pytest.raises(LoginFlowNotYours):
        login.check_browser("theirs")
    with pytest.raises(CardFlowNotYours):
        card.check_browser("")
    with pytest.raises(LoginFlowExpired):
        login.check_answerable(NOW)
    with pytest.raises(CardFlowUsed):
        card.check_answerable(NOW - dt.timedelta(seconds=1))
