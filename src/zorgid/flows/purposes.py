"""What each purpose of a card session demands of the card: a registry that the use cases fill.

The flows layer knows no use case. Each use case registers the check of its purpose when its app is ready
(``register(CardFlowPurpose.X, check)`` from its apps.py); the check runs when the Desktop App answers with a
verified card, and its ZorgidError ends the session as refused, so the waiting page shows its code, cause and
solution. A purpose without a check refuses every card, and ``zorgid serve`` and the WSGI app refuse to start
(a system check: production.refuse_unsafe).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core import checks

from zorgid.pki.uzi.attributes import UziAttributes
from zorgid.protocol.errors import InternalError

from .models import CardFlow, CardFlowPurpose

Check = Callable[[CardFlow, UziAttributes], None]
_checks: dict[str, Check] = {}


def register(purpose: str, check: Check) -> Check:
    """Let ``check`` decide whether a card may answer a session for ``purpose`` (one check per purpose)."""
    if purpose not in CardFlowPurpose.values:
        raise ValueError(f"{purpose!r} is not a card flow purpose")
    known = _checks.get(purpose)
    if known is not None and known is not check:
        raise ValueError(f"purpose {purpose!r} has a check already: {known.__module__}.{known.__qualname__}")
    _checks[purpose] = check
    return check


def registered() -> dict[str, Check]:
    return dict(_checks)


def check(flow: CardFlow, attributes: UziAttributes) -> None:
    """Raise the purpose's refusal for this card; a purpose no use case registered refuses every card."""
    found = _checks.get(flow.purpose)
    if found is None:
        raise InternalError(f"no check is registered for the card flow purpose {flow.purpose!r}")
    found(flow, attributes)


def missing_checks(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A system check: every purpose has its check once all apps are ready."""
    return [checks.Error(f"het doel {purpose!r} van een sessie met de UZI-pas heeft geen controle",
                         hint="Registreer die met zorgid.flows.purposes.register in AppConfig.ready van zijn use case.",
                         id="zorgid.flows.E001")
            for purpose in CardFlowPurpose.values if purpose not in _checks]
