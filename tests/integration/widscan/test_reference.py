"""The reference of an employee's checked document, taken for the beheerder's WID check (R-FLOW-WIDSCAN;
docs/architecture.md, "The WID scan app"): zorgid.widscan.services.take_reference, in the transaction that records
the WID check; the refusals through the portal's forms are in tests/integration/administration."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from tests.integration.widscan.beheerders import beheerder
from zorgid.organisations.services import add_organisation
from zorgid.protocol.errors import ZorgidError
from zorgid.widscan.errors import WidScanReferenceUnknown, WidScanReferenceUsed
from zorgid.widscan.models import WidScanCheck
from zorgid.widscan.services import normalised_reference, take_reference


@pytest.fixture
def linde(db):
    return add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")


@pytest.mark.parametrize("typed, kept", [
    ("ABCD2345", "ABCD2345"), (" abcd 2345 ", "ABCD2345"), ("abcd-2345", "ABCD2345"),
    ("ABCD234", ""), ("ABCD23450", ""), ("ABCD2301", ""), ("ABCDÉ345", ""), ("", ""), (None, ""), (12345678, ""),
    ("A" * 1000, ""),
])
def test_a_code_as_typed_is_read_in_its_own_form_or_not_at_all(typed, kept):
    assert normalised_reference(typed) == kept


@pytest.mark.django_db(transaction=True)
def test_a_code_is_taken_only_in_the_transaction_that_records_the_check(client, linde):
    beppie = beheerder(client, linde, "Beppie")
    reference = beppie.reference()
    with pytest.raises(RuntimeError):
        take_reference(reference, beheerder=beppie.person)
    assert WidScanCheck.objects.get(reference=reference).used_at is None
    with transaction.atomic():
        taken = take_reference(reference.lower(), beheerder=beppie.person)
    assert taken.reference == reference and WidScanCheck.objects.get(reference=reference).used_at is not None
    with pytest.raises(WidScanReferenceUsed), transaction.atomic():
        take_reference(reference, beheerder=beppie.person)


@pytest.mark.django_db
def test_a_patient_check_is_never_taken_even_with_a_reference(client, linde):
    """A patient's check gets no reference (record_check); were one ever on it, it is still no employee's check."""
    beppie = beheerder(client, linde, "Beppie")
    check = beppie.scanner.record(purpose="patient").json()["check"]
    WidScanCheck.objects.filter(id=check).update(reference="PATIENT2")
    with pytest.raises(WidScanReferenceUnknown), transaction.atomic():
        take_reference("PATIENT2", beheerder=beppie.person)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time: no race to show")
def test_of_two_registrations_racing_with_one_code_one_wins(client, linde):
    """The second request read the code while it was still unused; its UPDATE waits for the first's transaction
    and then finds the code used."""
    beppie = beheerder(client, linde, "Beppie")
    reference = beppie.reference()
    first_took, second_read = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = take_reference(reference, beheerder=beppie.person)
                first_took.set()
                second_read.wait(10)
                threading.Event().wait(0.5)  # the second is at its UPDATE, waiting for this row
        except ZorgidError as refused:
            outcomes["first"] = refused
        finally:
            connection.close()

    def second():
        first_took.wait(10)
        try:
            with transaction.atomic():
                WidScanCheck.objects.get(reference=reference)
                second_read.set()
                outcomes["second"] = take_reference(reference, beheerder=beppie.person)
        except ZorgidError as refused:
            outcomes["second"] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert isinstance(outcomes["first"], WidScanCheck)
    assert isinstance(outcomes["second"], WidScanReferenceUsed)
    assert WidScanCheck.objects.get(reference=reference).used_at == outcomes["first"].used_at
