"""Card purposes register with the flows layer: the use cases fill the registry, flows knows none of them."""

import ast
from pathlib import Path

import pytest

import zorgid.flows
from zorgid.flows import purposes
from zorgid.flows.models import CardFlow, CardFlowPurpose
from zorgid.protocol.errors import InternalError

USE_CASES = {
    CardFlowPurpose.SELF_REGISTRATION: "zorgid.registration",
    CardFlowPurpose.ORGANISATION_VALIDATION: "zorgid.validation",
    CardFlowPurpose.ATTRIBUTES: "zorgid.attributes",
}


def test_each_purpose_has_the_check_of_its_own_use_case_once_the_apps_are_ready():
    registered = purposes.registered()
    assert set(registered) == set(CardFlowPurpose.values)
    for purpose, package in USE_CASES.items():
        assert registered[purpose].__module__.startswith(package + ".")
    assert purposes.missing_checks() == []


def test_the_flows_package_imports_no_use_case_and_no_organisation_rule():
    found = set()
    for path in Path(zorgid.flows.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    upward = ("zorgid.organisations", *USE_CASES.values(), "zorgid.applications", "zorgid.portal", "zorgid.api")
    assert sorted(name for name in found if name.startswith(upward)) == []


def test_a_purpose_has_one_check():
    with pytest.raises(ValueError, match="has a check already"):
        purposes.register(CardFlowPurpose.ATTRIBUTES, lambda flow, attributes: None)
    with pytest.raises(ValueError, match="not a card flow purpose"):
        purposes.register("login", lambda flow, attributes: None)


def test_a_purpose_without_a_check_refuses_every_card(monkeypatch):
    monkeypatch.delitem(purposes._checks, CardFlowPurpose.ATTRIBUTES)
    assert [error.id for error in purposes.missing_checks()] == ["zorgid.flows.E001"]
    with pytest.raises(InternalError):
        purposes.check(CardFlow(purpose=CardFlowPurpose.ATTRIBUTES), attributes=None)
