"""Every kind of audit event the code records has a Dutch and an English label (zorgid.audit.labels).

The kinds are read from the source: every call of ``record(…)`` under src/zorgid. A call whose kind is a plain
string is checked directly; a call whose kind is built (an f-string, a variable) must be listed in BUILT with
the kinds it can make, taken from the code that makes them, so a new call or a new state fails here until it
has a label.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

import zorgid
from zorgid.applications.models import ApplicationState
from zorgid.audit import labels
from zorgid.care_apps.services import EVENT_LABELS as CARE_APP_ACTIONS
from zorgid.organisations.models import AdministratorRequestState

SOURCE = Path(zorgid.__file__).parent

# (file, the kind argument as written) -> the kinds it makes
BUILT: dict[tuple[str, str], set[str]] = {
    ("applications/services.py", "'application.' + target"): {f"application.{s}" for s in ApplicationState.values},
    ("care_apps/services.py", "f'care_app.{action}'"): {f"care_app.{a}" for a in CARE_APP_ACTIONS},
    ("validation/admin_requests.py", "f'organisation.administrator_request.{found.state}'"): {
        f"organisation.administrator_request.{s}" for s in AdministratorRequestState.values
        if s != AdministratorRequestState.OPEN},
    ("flows/cards.py", "event"): {"card.answered", "card.refused"},
}


def recorded() -> tuple[set[str], set[tuple[str, str]]]:
    """The plain kinds of every ``record`` call, and the built ones as (file, argument)."""
    plain, built = set(), set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts or "clients" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name != "record":
                continue
            kind = node.args[0]
            choices = [kind.body, kind.orelse] if isinstance(kind, ast.IfExp) else [kind]
            if all(isinstance(choice, ast.Constant) and isinstance(choice.value, str) for choice in choices):
                plain.update(choice.value for choice in choices)
            else:
                built.add((path.relative_to(SOURCE).as_posix(), ast.unparse(kind)))
    return plain, built


def test_the_scan_finds_the_calls():
    plain, built = recorded()
    assert {"person.blocked", "mobile_id.revoked", "audit.exported", "logout"} <= plain
    assert len(plain) > 40


def test_every_plain_kind_has_a_label():
    plain, _ = recorded()
    assert sorted(plain - set(labels.KINDS)) == []


def test_every_built_kind_is_known_here_and_has_a_label():
    _, built = recorded()
    assert sorted(built - set(BUILT)) == [], "a new record() with a built kind: add it to BUILT and label its kinds"
    made = set().union(*BUILT.values())
    assert sorted(made - set(labels.KINDS)) == []


def test_no_label_is_left_over():
    plain, _ = recorded()
    assert sorted(set(labels.KINDS) - plain - set().union(*BUILT.values())) == []


@pytest.mark.parametrize("kind", sorted(labels.KINDS))
def test_each_label_is_dutch_and_english(kind):
    with translation.override("nl"):
        dutch = labels.label(kind)
    with translation.override("en"):
        english = labels.label(kind)
    assert dutch and english and dutch != english, (kind, dutch, english)
    assert "." not in dutch and "_" not in dutch


def test_an_unknown_kind_says_so_with_its_code():
    with translation.override("nl"):
        assert labels.label("iets.nieuws") == "Andere gebeurtenis (iets.nieuws)"


def test_the_groups_list_every_kind_once():
    with translation.override("nl"):
        listed = [kind for _, kinds in labels.groups() for kind, _ in kinds]
    assert sorted(listed) == sorted(labels.KINDS)
