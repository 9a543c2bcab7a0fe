"""What a waiting browser page is told about its flow: one status answer for every flow (login, card session).

The page asks with one long request at a time (portal/static/portal/flow_wait.js). The answer checks that the
flow is this browser's, waits while it is pending (bounded, without a database connection: waiting.py), and
says what became of it as JSON: ``{"state": "pending"}`` (with ``retry_after`` when no wait slot was free),
``{"state": "expired"}``, the flow kind's own states, or the error shape with its HTTP status.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from zorgid import clock
from zorgid.protocol.errors import ZorgidError

from .models import Flow
from .waiting import FLOW_ID, listening, wait_slot

F = TypeVar("F", bound=Flow)


def browser_flow(model: type[F], flow_id: object, *, browser_secret: str, wait_seconds: float = 0.0) -> F:
    """This browser's flow; while it is pending, waits up to ``wait_seconds`` (never past its expiry) for a change."""
    if not isinstance(flow_id, str) or not FLOW_ID.fullmatch(flow_id):
        raise model.Unknown()
    with listening(flow_id, enabled=wait_seconds > 0) as waiter:
        flow = model.find(flow_id).check_browser(browser_secret)
        if flow.pending() and wait_seconds > 0:
            remaining = (flow.expires_at - clock.now()).total_seconds()
            waiter.wait(flow, time.monotonic() + max(0.0, min(wait_seconds, remaining)))
    return flow


@dataclass(frozen=True)
class BrowserAnswer:
    """The status answer: its JSON body and HTTP status, and the flow it read (none for an error)."""

    body: dict[str, object]
    status: int = 200
    flow: Flow | None = field(default=None, compare=False)

    @property
    def state(self) -> str:
        return str(self.body.get("state", ""))


def browser_answer(model: type[F], flow_id: object, *, browser_secret: str, client: str, wait: bool,
                   answered: Callable[[F], dict[str, object]]) -> BrowserAnswer:
    """The one status answer for a waiting page of ``client`` (its address) about a flow of kind ``model``.

    A pending flow answers "pending", or "expired" once its time has passed; ``answered`` says what a flow
    that is no longer pending means for its kind (it may take the flow's last step, as a login does) and may
    raise a ZorgidError. A page that asked to ``wait`` waits only with a free slot (waiting.wait_slot);
    without one it is told to ask again after ``retry_after`` seconds.
    """
    try:
        with wait_slot(client, wanted=wait) as slot:
            flow = browser_flow(model, flow_id, browser_secret=browser_secret, wait_seconds=slot.seconds)
        if flow.pending():
            body = {"state": "expired"} if flow.is_expired(clock.now()) else {"state": "pending",
                                                                              **slot.answer_fields()}
        else:
            body = answered(flow)
    except ZorgidError as error:
        return BrowserAnswer(error.as_dict(), error.status)
    return BrowserAnswer(body, 200, flow)
