"""What each kind of audit event is called on the pages and in the CSV export (R-SEC-AUDIT): a Dutch label
(English in the translations), and the group it is listed under in the viewer's choice of kinds.

Every kind of event the code records (audit.services.record) has its label here; tests/unit/audit/test_labels.py
reads every call of ``record`` in the source and fails on a kind without one. The code in the database stays the
technical name (it is part of the keyed chain); only what people read is translated.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PEOPLE, MOBILE_ID, LOGIN, SMARTCARD, ORGANISATION, APPLICATION, CARE_APPS, SYSTEM = (
    _("Medewerkers en rollen"), _("Mobile ID en app"), _("Inloggen"), _("ZORG-ID Smartcard"), _("Organisatie"),
    _("Aanvraag van een organisatie"), _("Zorgapplicaties"), _("Systeem"))

# kind -> (group, label)
KINDS: dict[str, tuple[Promise, Promise]] = {
    "person.registered": (PEOPLE, _("Persoon geregistreerd")),
    "person.changed": (PEOPLE, _("Persoonsgegevens gewijzigd")),
    "person.blocked": (PEOPLE, _("Medewerker geblokkeerd")),
    "person.unblocked": (PEOPLE, _("Medewerker gedeblokkeerd")),
    "employee.linked": (PEOPLE, _("Medewerker aan de organisatie toegevoegd")),
    "employee.deleted": (PEOPLE, _("Medewerker uit de organisatie verwijderd")),
    "employees.imported": (PEOPLE, _("Medewerkers geïmporteerd")),
    "wid.checked": (PEOPLE, _("Identiteitsbewijs (WID) gecontroleerd")),
    "role.granted": (PEOPLE, _("Rol toegekend")),
    "role.removed": (PEOPLE, _("Rol afgenomen")),
    "role.handed_over": (PEOPLE, _("Administratorrol overgedragen")),
    "operator.added": (PEOPLE, _("Operator toegevoegd")),
    "activation_code.issued": (MOBILE_ID, _("Activatie-QR-code uitgegeven")),
    "activation.refused": (MOBILE_ID, _("Activatie geweigerd")),
    "mobile_id.activated": (MOBILE_ID, _("Mobile ID geactiveerd")),
    "mobile_id.revoked": (MOBILE_ID, _("Mobile ID ingetrokken")),
    "uzi_attributes.linked": (MOBILE_ID, _("UZI-attributen gekoppeld")),
    "keyshare.pin_wrong": (MOBILE_ID, _("Verkeerde pincode ingevoerd")),
    "keyshare.pin_replaced": (MOBILE_ID, _("Pincode gewijzigd")),
    "widscan.link_offered": (MOBILE_ID, _("Koppeling van de WID scan app aangeboden")),
    "widscan.link_claimed": (MOBILE_ID, _("Koppeling van de WID scan app geclaimd")),
    "widscan.linked": (MOBILE_ID, _("WID scan app gekoppeld")),
    "widscan.link_declined": (MOBILE_ID, _("Koppeling van de WID scan app afgewezen")),
    "widscan.link_ended": (MOBILE_ID, _("Koppeling van de WID scan app beëindigd")),
    "widscan.check_recorded": (PEOPLE, _("WID-controle met de WID scan app vastgelegd")),
    "login.approved": (LOGIN, _("Inloggen goedgekeurd in de app")),
    "login.refused": (LOGIN, _("Inloggen geweigerd")),
    "login.smartcard": (LOGIN, _("Ingelogd met de ZORG-ID Smartcard")),
    "logout": (LOGIN, _("Uitgelogd uit het portaal")),
    "card.answered": (LOGIN, _("UZI-pas gelezen")),
    "card.refused": (LOGIN, _("UZI-pas geweigerd")),
    "card.declined": (LOGIN, _("Gebruik van de UZI-pas afgewezen in de Desktop App")),
    "smartcard.making_started": (SMARTCARD, _("Smartcard aanmaken begonnen")),
    "smartcard.keys_refused": (SMARTCARD, _("Sleutels van de smartcard geweigerd")),
    "smartcard.made": (SMARTCARD, _("Smartcard aangemaakt")),
    "smartcard.issued": (SMARTCARD, _("Certificaten van de smartcard uitgegeven")),
    "smartcard.revoked": (SMARTCARD, _("Smartcard ingetrokken")),
    "smartcard.linked": (SMARTCARD, _("Smartcard aan de organisatie gekoppeld")),
    "smartcard.unlinked": (SMARTCARD, _("Smartcard van de organisatie ontkoppeld")),
    "organisation.added": (ORGANISATION, _("Organisatie ingevoerd")),
    "organisation.validated": (ORGANISATION, _("Organisatie gevalideerd met de UZI-pas")),
    "organisation.administrator_requested": (ORGANISATION, _("Verzoek om administrator te worden")),
    "organisation.administrator_request.approved": (ORGANISATION, _("Verzoek om administrator goedgekeurd")),
    "organisation.administrator_request.declined": (ORGANISATION, _("Verzoek om administrator afgewezen")),
    "audit.exported": (ORGANISATION, _("Auditlog geëxporteerd")),
    "application.submitted": (APPLICATION, _("Aanvraag ingediend")),
    "application.document_received": (APPLICATION, _("Organisatiedocument ontvangen")),
    "application.document_verified": (APPLICATION, _("Organisatiedocument geverifieerd")),
    "application.more_information_needed": (APPLICATION, _("Aanvullende gegevens gevraagd")),
    "application.followup_sent": (APPLICATION, _("Aanvraag goedgekeurd, vervolgformulier verstuurd")),
    "application.followup_received": (APPLICATION, _("Vervolgformulier ontvangen")),
    "application.activation_sent": (APPLICATION, _("Activatie-QR-code verstuurd")),
    "application.completed": (APPLICATION, _("Registratie afgerond")),
    "application.declined": (APPLICATION, _("Aanvraag afgewezen")),
    "application.withdrawn": (APPLICATION, _("Aanvraag ingetrokken")),
    "application.expired": (APPLICATION, _("Aanvraag verlopen")),
    "care_app.added": (CARE_APPS, _("Zorgapplicatie geregistreerd")),
    "care_app.changed": (CARE_APPS, _("Zorgapplicatie gewijzigd")),
    "care_app.suspended": (CARE_APPS, _("Zorgapplicatie opgeschort")),
    "care_app.reinstated": (CARE_APPS, _("Zorgapplicatie weer geaccepteerd")),
    "care_app.withdrawn": (CARE_APPS, _("Zorgapplicatie ingetrokken")),
    "care_app.version_accepted": (CARE_APPS, _("Versie van een zorgapplicatie geaccepteerd")),
    "care_app.version_refused": (CARE_APPS, _("Versie van een zorgapplicatie geweigerd")),
    "oidc.login": (CARE_APPS, _("Ingelogd bij een zorgapplicatie")),
    "oidc.logout": (CARE_APPS, _("Uitgelogd bij een zorgapplicatie")),
    "oidc.token": (CARE_APPS, _("Zorgapplicatie heeft de inlog opgehaald")),
    "oidc.userinfo.wid_check": (CARE_APPS, _("Zorgapplicatie heeft een WID-controle opgehaald")),
    "oidc.code.reused": (CARE_APPS, _("Inlogcode een tweede keer gebruikt (geweigerd)")),
    "oidc.authorize.refused": (CARE_APPS, _("Inlogverzoek van een zorgapplicatie geweigerd")),
    "oidc.sessions.ended": (CARE_APPS, _("Sessies bij zorgapplicaties beëindigd")),
    "oidc.backchannel.delivered": (CARE_APPS, _("Zorgapplicatie over het uitloggen ingelicht")),
    "oidc.backchannel.failed": (CARE_APPS, _("Uitlogbericht aan een zorgapplicatie niet afgeleverd")),
    "keyshare.key_added": (SYSTEM, _("Nieuwe sleutel voor de sleuteldelen")),
    "keyshare.key_chosen": (SYSTEM, _("Sleutel voor nieuwe sleuteldelen gekozen")),
    "keyshare.resealed": (SYSTEM, _("Sleuteldelen opnieuw versleuteld")),
    "keyshare.key_retired": (SYSTEM, _("Oude sleutel van de sleuteldelen verwijderd")),
    "pki.ca.token": (SYSTEM, _("CA-sleutels op een token (HSM) ingesteld")),
    "oidc.key.rotated": (SYSTEM, _("Ondertekeningssleutel vernieuwd")),
    "oidc.key.retired": (SYSTEM, _("Ondertekeningssleutel buiten gebruik gesteld")),
    "oidc.purged": (SYSTEM, _("Oude sessies bij zorgapplicaties opgeruimd")),
    "housekeeping.purged": (SYSTEM, _("Verlopen gegevens opgeruimd")),
    "mail.given_up": (SYSTEM, _("E-mail niet afgeleverd")),
    "dev_mail.opened": (SYSTEM, _("Testmail geopend")),
    "dev_mail.attachment": (SYSTEM, _("Bijlage van een testmail geopend")),
    "server.backup": (SYSTEM, _("Back-up van de server gemaakt")),
    "server.restored": (SYSTEM, _("Server teruggezet uit een back-up")),
}


def label(kind: str) -> str:
    """The label of a kind in the active language; a kind this table does not know says so, with its code."""
    found = KINDS.get(kind)
    if found is None:
        return gettext("Andere gebeurtenis (%(code)s)") % {"code": kind}
    return str(found[1])


def groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The kinds for a choice list: (group, [(kind, label), …]) in the table's group order, labels sorted."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for kind, (group, text) in KINDS.items():
        grouped.setdefault(str(group), []).append((kind, str(text)))
    return [(group, sorted(kinds, key=lambda item: item[1].casefold())) for group, kinds in grouped.items()]
