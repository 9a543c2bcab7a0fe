"""The data migration that recorded the status of the Mobile ID certificates issued before pki kept it."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import activate_code
from zorgid import clock
from zorgid.identities.models import MobileId, MobileIdStatus, Person
from zorgid.organisations.roles import add_operator
from zorgid.pki.models import CertificateStatus, IssuedCertificate

pytestmark = pytest.mark.django_db


def test_existing_mobile_ids_are_recorded_revoked_held_or_good(client, device):
    revoked = activate_code(client, add_operator("Rob", "Revoked", clock.parse_date("01-01-1970"), actor="t").code)
    blocked = activate_code(client, add_operator("Bea", "Blocked", clock.parse_date("01-01-1971"), actor="t").code)
    revoked_at = clock.now()
    MobileId.objects.filter(id=revoked.mobile_id).update(status=MobileIdStatus.REVOKED, revoked_at=revoked_at)
    Person.objects.filter(mobile_ids__id=blocked.mobile_id).update(blocked_at=clock.now())
    IssuedCertificate.objects.all().delete()  # as before pki kept the status
    migration = importlib.import_module("zorgid.identities.migrations.0009_certificate_status")
    state = MigrationExecutor(connection).loader.project_state(("identities", "0009_certificate_status"))
    migration.fill(state.apps, None)
    migration.fill(state.apps, None)  # a second run adds nothing

    def status(device_):
        mobile_id = MobileId.objects.get(id=device_.mobile_id)
        entry = IssuedCertificate.objects.get(ca="mobile-id", serial=mobile_id.serial)
        assert entry.not_after == mobile_id.not_after
        return entry.status, entry.reason

    assert status(device) == (CertificateStatus.GOOD, "")
    assert status(revoked) == (CertificateStatus.REVOKED, "unspecified")
    assert IssuedCertificate.objects.get(serial=MobileId.objects.get(id=revoked.mobile_id).serial).changed_at == \
        revoked_at
    assert status(blocked) == (CertificateStatus.HOLD, "certificateHold")
    assert IssuedCertificate.objects.count() == 3
