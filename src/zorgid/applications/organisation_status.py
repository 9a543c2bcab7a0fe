"""Where each organisation stands, for the operator's list (R-ROLE-OPR): validated how and when, and its application.

An organisation is validated in one of two ways: ZORG-ID Mobiel by the organisation document signed with its UZI
server certificate (the application's ``document_verified`` step, before the organisation exists), ZORG-ID
Smartcard by its administrator's UZI-pas (``Organisation.validated_at``, R-FLOW-UZIORG). The list shows both,
so a completed Mobiel organisation no longer reads "not validated".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zorgid.organisations.models import Organisation

from .models import Application, ApplicationEvent, ApplicationState


class ValidatedBy:
    UZI_CARD = "uzi-pas"
    DOCUMENT = "document"
    NOT_YET = ""


@dataclass(frozen=True)
class OrganisationStatus:
    organisation: Organisation
    validated_by: str  # a ValidatedBy value
    validated_at: dt.datetime | None
    application: Application | None  # its newest application; None for one the operator entered himself

    @property
    def completed(self) -> bool:
        return self.application is not None and self.application.state == ApplicationState.COMPLETED


def listed(limit: int) -> list[OrganisationStatus]:
    """The first ``limit`` organisations in name order, each with how it was validated and its newest application
    (three queries, whatever the number)."""
    organisations = list(Organisation.objects.all()[:limit])
    newest: dict[int, Application] = {}
    for application in Application.objects.filter(organisation__in=organisations).order_by("created_at", "pk"):
        newest[application.organisation_id] = application
    verified = dict(ApplicationEvent.objects.filter(application__in=newest.values(),
                                                    to_state=ApplicationState.DOCUMENT_VERIFIED)
                    .order_by("at").values_list("application_id", "at"))
    found = []
    for organisation in organisations:
        application = newest.get(organisation.pk)
        document_at = verified.get(application.pk) if application else None
        if organisation.validated_at:
            by, at = ValidatedBy.UZI_CARD, organisation.validated_at
        elif document_at:
            by, at = ValidatedBy.DOCUMENT, document_at
        else:
            by, at = ValidatedBy.NOT_YET, None
        found.append(OrganisationStatus(organisation, by, at, application))
    return found
