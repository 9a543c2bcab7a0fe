"""How people, their IDs and cards are named on the pages, in the audit log and its export: never a bare
database id or a code alone (R-SEC-AUDIT; docs/architecture.md, "One place per rule").

- A Mobile ID by its activation date and the phone's name the app sent ("Mobile ID van 12-03-2026, toestel
  “iPhone van Jan”"; zorgid.protocol.device_names). Without a name (an older app) its id only as a short,
  secondary mark (``short_id``) to tell two apart. The name is text as any other: pages escape it, as they
  escape every value.
- A UZI card type by its name with the letter (pki.uzi.othername.CARD_TYPES), a role code by its name with the
  code (pki.uzi.roles.role_name).
- An audit event's actor and subject (``person:<id>``, ``mobile_id:<id>``, …) by the name of what they point
  to, read for a whole page of events at once (``Names``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext

from zorgid import clock
from zorgid.applications.models import Application
from zorgid.care_apps.models import CareApplication
from zorgid.identities.models import MobileId, Person, Smartcard, UziRegistration
from zorgid.organisations.models import Organisation
from zorgid.pki.uzi import role_name
from zorgid.pki.uzi.othername import CARD_TYPES
from zorgid.pki.uzi.roles import NO_ROLE, ROLE_CODE

SHORT_ID = 8


def short_id(value: str) -> str:
    """The first characters of a random id: enough to tell two apart on one page, never the whole id."""
    return str(value)[:SHORT_ID]


def local_date(value: dt.datetime) -> str:
    return clock.format_day(value)


def mobile_id_name(activated_at: dt.datetime | None, device_name: str = "", mobile_id: str = "") -> str:
    """"Mobile ID van 12-03-2026" (the activation date, in Dutch local time), with the phone's name: "Mobile ID van
    12-03-2026, toestel “iPhone van Jan”"; without one and given the id, its short mark: "… (875b9e80)"."""
    if activated_at is None:
        name = gettext("Mobile ID")
    else:
        name = gettext("Mobile ID van %(date)s") % {"date": local_date(activated_at)}
    if device_name:
        return gettext("%(name)s, toestel “%(device)s”") % {"name": name, "device": device_name}
    return f"{name} ({short_id(mobile_id)})" if mobile_id else name


def card_type_name(code: str) -> str:
    """"Zorgverlenerpas (Z)"; an unknown letter as it is."""
    name = CARD_TYPES.get(str(code))
    return f"{capfirst(gettext(name))} ({code})" if name else str(code)


def role_display(code: str) -> str:
    """"Arts – huisarts (01.015)"; 00.000, the role of a card without a care profession: "Geen beroepsrol
    (00.000)"."""
    code = str(code)
    if code == NO_ROLE:
        return gettext("Geen beroepsrol (%(code)s)") % {"code": code}
    if not ROLE_CODE.fullmatch(code):
        return code
    return f"{role_name(code)} ({code})"


@dataclass(frozen=True)
class Party:
    """Who or what an audit event names: a readable text, and a short secondary mark (or "")."""

    text: str
    mark: str = ""

    def __str__(self) -> str:
        return f"{self.text} [{self.mark}]" if self.mark else self.text


# actors and subjects without an id: what they are
_FIXED = {
    "zorgid": lambda: gettext("ZORG-ID (automatisch)"),
    "system": lambda: gettext("ZORG-ID (automatisch)"),
    "app": lambda: gettext("ZORG-ID app"),
    "desktop": lambda: gettext("ZORG-ID Desktop App"),
    "outbox": lambda: gettext("E-mailverzending van ZORG-ID"),
    "status-page": lambda: gettext("Statuspagina van de aanvraag"),
}
# kinds whose value is a session or a row nobody needs to read: what they are, without the value
_SESSIONS = {
    "login_flow": lambda: gettext("inlogsessie"),
    "card_flow": lambda: gettext("sessie met de UZI-pas"),
    "sid": lambda: gettext("sessie bij een zorgapplicatie"),
    "app_session": lambda: gettext("sessie bij een zorgapplicatie"),
    "dev-mail": lambda: gettext("testmail"),
}
_LOOKED_UP = ("person", "mobile_id", "smartcard", "organisation", "care_app", "application", "uzi")


class Names:
    """The readable names of the actors and subjects of some audit events, read with one query per kind."""

    def __init__(self, references: Iterable[str]) -> None:
        wanted: dict[str, set[str]] = {kind: set() for kind in _LOOKED_UP}
        for reference in references:
            kind, _, value = str(reference).partition(":")
            if kind in wanted and value:
                wanted[kind].add(value)
        self._people = {pk: f"{first} {last}" for pk, first, last in
                        Person.objects.filter(pk__in=wanted["person"]).values_list("id", "first_names", "last_name")}
        self._mobile_ids = {row.id: row for row in MobileId.objects.filter(pk__in=wanted["mobile_id"])
                            .select_related("person").only("id", "activated_at", "device_name",
                                                           "person__first_names", "person__last_name")}
        self._smartcards = {row.id: row for row in Smartcard.objects.filter(pk__in=wanted["smartcard"])
                            .select_related("person").only("id", "card_number", "person__first_names",
                                                           "person__last_name")}
        self._organisations = dict(Organisation.objects.filter(ura__in=wanted["organisation"])
                                   .values_list("ura", "name"))
        self._care_apps = dict(CareApplication.objects.filter(pk__in=wanted["care_app"])
                               .values_list("client_id", "name"))
        self._applications = dict(Application.objects.filter(reference__in=wanted["application"])
                                  .values_list("reference", "organisation_name"))
        self._uzi = dict(UziRegistration.objects.filter(uzi_number__in=wanted["uzi"])
                         .values_list("uzi_number", "common_name"))

    def of(self, reference: str) -> Party:  # noqa: C901, PLR0911, PLR0912 - one case per kind of reference
        reference = str(reference or "")
        if not reference:
            return Party("")
        if reference in _FIXED:
            return Party(_FIXED[reference]())
        kind, _, value = reference.partition(":")
        if kind in _SESSIONS:
            return Party(capfirst(_SESSIONS[kind]()))
        if kind == "person":
            found = self._people.get(value)
            return Party(found) if found else Party(gettext("Verwijderde persoon"), short_id(value))
        if kind == "mobile_id":
            mobile_id = self._mobile_ids.get(value)
            if mobile_id is None:
                return Party(gettext("Onbekende Mobile ID"), short_id(value))
            named = mobile_id_name(mobile_id.activated_at, mobile_id.device_name)
            return Party(gettext("%(id)s (%(name)s)") % {"id": named, "name": mobile_id.person.full_name},
                         short_id(value))
        if kind == "smartcard":
            card = self._smartcards.get(value)
            if card is None:
                return Party(gettext("Onbekende smartcard"), short_id(value))
            return Party(gettext("ZORG-ID Smartcard %(number)s (%(name)s)") % {"number": card.card_number,
                                                                              "name": card.person.full_name})
        if kind == "organisation":
            name = self._organisations.get(value)
            return Party(f"{name} (URA {value})" if name else f"URA {value}")
        if kind == "care_app":
            name = self._care_apps.get(value)
            return Party(name, short_id(value)) if name else Party(gettext("Onbekende zorgapplicatie"),
                                                                    short_id(value))
        if kind == "application":
            name = self._applications.get(value)
            text = gettext("Aanvraag %(reference)s") % {"reference": value}
            return Party(f"{text} ({name})" if name else text)
        if kind == "uzi":
            name = self._uzi.get(value)
            text = gettext("UZI-pas %(number)s") % {"number": value}
            return Party(f"{name}, {text}" if name else text)
        if kind == "tb":
            return Party(gettext("Technisch beheerder (%(email)s)") % {"email": value})
        if kind == "adm":
            return Party(gettext("Portaal administrator (%(email)s)") % {"email": value})
        if kind == "cli":
            return Party(gettext("Opdrachtregel (%(user)s)") % {"user": value})
        if kind == "mail":
            return Party(gettext("E-mail") if value.isdigit() else gettext("E-mail van %(sender)s") % {"sender": value})
        if kind == "upload":
            return Party(gettext("Upload op de website"))
        if kind == "api":
            return Party("API")
        if kind == "oidc_key":
            return Party(gettext("Ondertekeningssleutel %(kid)s") % {"kid": short_id(value)})
        return Party(reference)
