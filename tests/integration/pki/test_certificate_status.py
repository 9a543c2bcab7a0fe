"""The status of a Mobile ID's certificate follows what happens to the ID and its person, in the same
transactions: recorded at activation, held by a block, released by the unblock, revoked for good."""

import pytest
from cryptography import x509

from tests.conftest import activate_code
from zorgid import clock
from zorgid.administration.employees import set_blocked
from zorgid.identities.models import MobileId
from zorgid.identities.services import issue_activation_code, revoke_mobile_id
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.pki.models import CertificateStatus, IssuedCertificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(device, linde):
    person = MobileId.objects.get(id=device.mobile_id).person
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    olga = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="test").person
    return person, olga


def status(mobile_id: str) -> str:
    return IssuedCertificate.objects.get(ca="mobile-id", serial=MobileId.objects.get(id=mobile_id).serial).status


def test_activation_records_the_certificate_and_names_crl_and_ocsp(device, settings):
    assert status(device.mobile_id) == CertificateStatus.GOOD
    points = device.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == f"{settings.ZORGID_BASE_URL}/pki/crl/mobile-id.crl"
    aia = device.certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert aia[0].access_location.value == f"{settings.ZORGID_BASE_URL}/pki/ocsp"


def test_block_holds_unblock_releases_revoke_is_final(client, world, device, linde):
    person, olga = world
    set_blocked(linde, person, True, by=olga)
    assert status(device.mobile_id) == CertificateStatus.HOLD
    later = activate_code(client, issue_activation_code(person, actor="test").code)  # a new ID while blocked
    assert status(later.mobile_id) == CertificateStatus.HOLD
    set_blocked(linde, person, False, by=olga)
    assert status(device.mobile_id) == status(later.mobile_id) == CertificateStatus.GOOD
    set_blocked(linde, person, True, by=olga)
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="lost")
    set_blocked(linde, person, False, by=olga)
    assert status(device.mobile_id) == CertificateStatus.REVOKED
    assert status(later.mobile_id) == CertificateStatus.GOOD
