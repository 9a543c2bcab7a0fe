"""The operator's queue of applications (R-ROLE-OPR, R-FLOW-APPLY step 4): which ones a filter shows."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import OPEN_STATES, Application, ApplicationState

PAGE_SIZE = 50
OPEN = "open"


def operator_queue(state: str = OPEN) -> list[Application]:
    """The newest PAGE_SIZE applications: the open ones, those in one state, or (any other filter) all."""
    applications: QuerySet = Application.objects.all()
    if state == OPEN:
        applications = applications.filter(state__in=OPEN_STATES)
    elif state in ApplicationState.values:
        applications = applications.filter(state=state)
    return list(applications[:PAGE_SIZE])
