"""The request being served: its id and its actor, for every log line and audit event written while it runs.

The request-id middleware (portal/request_ids.py) opens the context for each request and closes it after the
answer; the log formatter (log_handlers.py) adds ``request_id`` to each line written meanwhile, and the audit log
(audit.services.record) stores it with each event, so that the servicedesk goes from the id on an error page to
the log lines and the audit events of that request (docs/security.md, "Logs"). A context variable, so each
thread of a gunicorn worker has its own; outside a request (a command, a test) there is none.

The actor is an opaque id as the audit log writes it (``person:<id>``, ``mobile_id:<id>``, …), never a name.
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass

# an opaque id of the audit log's form: a kind and an id, no name, no address
OPAQUE_ACTOR = re.compile(r"^(person|mobile_id|smartcard|care_app):[A-Za-z0-9_.-]{1,64}$")


@dataclass
class RequestContext:
    request_id: str
    actor: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("zorgid_request", default=None)


def begin(request_id: str) -> contextvars.Token:
    """Open the context of one request; give the token back to ``end`` after its answer."""
    return _current.set(RequestContext(request_id))


def end(token: contextvars.Token) -> None:
    _current.reset(token)


def current() -> RequestContext | None:
    return _current.get()


def request_id() -> str:
    """The id of the request being served, or "" outside a request."""
    context = _current.get()
    return context.request_id if context is not None else ""


def note_actor(actor: str) -> None:
    """Who acts in this request, when it is an opaque id and none was noted before (the first actor is the one
    whose request it is: a later event's actor may be one the first acted upon)."""
    context = _current.get()
    if context is not None and not context.actor and isinstance(actor, str) and OPAQUE_ACTOR.match(actor):
        context.actor = actor
