"""Mail kept without SMTP, made by the real code: the outbox's worker hands it to the development backend."""

from __future__ import annotations

from zorgid import clock
from zorgid.applications.models import Application, ApplicationState
from zorgid.applications.onboarding import send_activation
from zorgid.identities.models import Person
from zorgid.organisations.services import add_organisation
from zorgid.outbox import dev_mail, dev_mail_files
from zorgid.outbox.dev_mail_files import StoredMail
from zorgid.outbox.services import send_due

BACKEND = "zorgid.outbox.dev_mail.DevMailBackend"
REFERENCE = "ZID-2026-DEVMAIL1"


def sent_to_disk(settings) -> list[StoredMail]:
    """One pass of ``zorgid mail send`` into the development folder; returns the stored mails, newest first."""
    settings.EMAIL_BACKEND = BACKEND
    send_due()
    return dev_mail.page_of(dev_mail.stored())


def activation_mail(settings) -> StoredMail:
    """The portal administrator's activation mail of an application, as the operator's "Activatie-QR versturen"
    sends it (applications/onboarding.py), stored on disk."""
    organisation = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    anna = Person.objects.create(first_names="Anna", last_name="Admin", birth_date="1985-05-05",
                                 created_at=clock.now())
    now = clock.now()
    contacts = {f"{who}_{field}": value for who in ("tb", "vtw", "adm") for field, value in
                (("name", "Anna Admin"), ("email", f"{who}@linde.example"), ("phone", "030 123 4567"))}
    application = Application.objects.create(
        reference=REFERENCE, state=ApplicationState.FOLLOWUP_RECEIVED, product="mobiel", environment="acceptatie",
        organisation_name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", street="Lindelaan",
        house_number="12a", postcode="3511 AB", city="Utrecht", status_token_hash="0" * 64, created_at=now,
        updated_at=now, organisation=organisation, administrator=anna, **contacts)
    send_activation(application, actor="test")
    (mail,) = [mail for mail in sent_to_disk(settings) if mail.to == "adm@linde.example"]
    return dev_mail_files.read(dev_mail.folder(), mail.stem)
