"""``zorgid mail-in``: replies to the confirmation e-mail, over real SMTP both ways (aiosmtpd)."""

import pytest

from tests.integration.applications.helpers import apply
from tests.integration.applications.smtp import send
from zorgid.applications.models import Application
from zorgid.outbox.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_confirmation_goes_out_over_smtp(client, smtp):
    sink, _ = smtp
    reference, _ = apply(client, product="smartcard")
    messages = sink.wait_for(2)
    assert {m["To"] for m in messages} == {"tb@linde.example", "vtw@linde.example"}
    assert any(reference in m["Subject"] for m in messages)


def test_a_message_without_reference_is_dropped_unanswered(smtp, caplog):
    """The sender of a mail can be forged: answering it would make zorgid mail any address."""
    sink, port = smtp
    send(port, subject="Re: ons document", body="Hierbij.", sender="slachtoffer@example.org")
    assert OutgoingMail.objects.count() == 0
    assert sink.wait_for(1, timeout=0.5) == []
    assert "without a reference dropped" in caplog.text


def test_a_message_with_an_unknown_reference_is_dropped_unanswered(smtp, caplog):
    sink, port = smtp
    send(port, subject="Re: ZID-2026-ABCDEFGH", body="Hierbij.", sender="slachtoffer@example.org")
    assert OutgoingMail.objects.count() == 0
    assert sink.wait_for(1, timeout=0.5) == []
    assert "unknown reference ZID-2026-ABCDEFGH dropped" in caplog.text


def test_a_reply_without_attachment_or_with_two_is_answered(client, smtp):
    sink, port = smtp
    reference, _ = apply(client, product="smartcard")
    sink.wait_for(2)
    send(port, subject=f"Re: ZORG-ID: uw aanvraag {reference}", body="Vergeten.")
    send(port, subject=f"Re: {reference}", body="Twee.", attachments=(("a.xml", b"<a/>"), ("b.xml", b"<b/>")),
         sender="someone-else@example.org")  # a forged sender: the answer still goes to the application's TB only
    answers = sink.wait_for(4)[2:]
    assert [a["To"] for a in answers] == ["tb@linde.example", "tb@linde.example"]
    assert "precies één XML-bijlage" in answers[0]["Subject"] and "0 XML-bijlagen" in answers[0].get_content()
    assert "2 XML-bijlagen" in answers[1].get_content()


def test_an_unreadable_attachment_is_answered_with_its_code(client, smtp):
    sink, port = smtp
    reference, _ = apply(client, product="smartcard")
    sink.wait_for(2)
    send(port, subject=f"Re: {reference}", body="Hierbij.", attachments=(("organisatie.xml", b"<niet-af"),))
    answers = sink.wait_for(4)[2:]
    subjects = " | ".join(a["Subject"] for a in answers)
    assert "niet geaccepteerd" in subjects and "ZID-XML-" in subjects
    application = Application.objects.get()
    assert application.state == "submitted" and application.verification["code"].startswith("ZID-XML-")
    assert [e.to_state for e in application.events.all()] == ["submitted", "document_received", "submitted"]


def test_a_reply_with_the_signed_document_verifies_it(client, smtp, settings):
    from tests.integration.applications.test_mobiel_route import signed
    from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
    from zorgid.pki import uzi_installation

    sink, port = smtp
    reference, _ = apply(client)
    confirmation = [m for m in sink.wait_for(2) if m["To"] == "tb@linde.example"][0]
    (part,) = list(confirmation.iter_attachments())
    ca = ensure_test_uzi_ca(uzi_installation.test_uzi_ca_dir())
    uzi_installation.forget()
    document = signed(part.get_payload(decode=True), ca)
    send(port, subject=f"RE: {confirmation['Subject']}", body="Hierbij het ondertekende document.",
         attachments=(("organisatie.xml", document),))
    subjects = [m["Subject"] for m in sink.wait_for(4)[2:]]
    assert any("ontvangen en geverifieerd" in subject for subject in subjects)  # to the TB
    assert any("Document geverifieerd" in subject for subject in subjects)  # the status mail to the VTW
    assert Application.objects.get().state == "document_verified"


def test_one_application_gets_at_most_ten_answers_a_day(client, smtp, settings):
    """Whoever knows a reference cannot make zorgid flood that application's TB with answers."""
    settings.ZORGID_RATE_LIMIT_FACTOR = 1  # the production limits
    sink, port = smtp
    reference, _ = apply(client, product="smartcard")
    for _ in range(11):
        send(port, subject=f"Re: {reference}", body="Vergeten.", sender="iemand@example.org")
    answers = [m for m in sink.wait_for(2 + 10) if "precies één XML-bijlage" in m["Subject"]]
    assert len(answers) == 10 and {m["To"] for m in answers} == {"tb@linde.example"}
    assert OutgoingMail.objects.count() == 2 + 10
