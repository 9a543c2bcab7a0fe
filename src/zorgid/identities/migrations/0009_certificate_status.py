"""The status of the Mobile ID certificates issued before pki kept it (docs/security.md, "Revocation: CRL and
OCSP"): revoked ones revoked, those of a blocked person on hold, the others good."""

from django.db import migrations


def fill(apps, schema_editor):
    MobileId = apps.get_model("identities", "MobileId")
    IssuedCertificate = apps.get_model("pki", "IssuedCertificate")
    known = set(IssuedCertificate.objects.filter(ca="mobile-id").values_list("serial", flat=True))
    rows = []
    for mobile_id in MobileId.objects.select_related("person").iterator():
        serial = mobile_id.serial.lower()
        if serial in known:
            continue
        if mobile_id.status == "revoked":
            status, reason, changed = "revoked", "unspecified", mobile_id.revoked_at or mobile_id.activated_at
        elif mobile_id.person.blocked_at is not None:
            status, reason, changed = "hold", "certificateHold", mobile_id.person.blocked_at
        else:
            status, reason, changed = "good", "", mobile_id.activated_at
        rows.append(IssuedCertificate(ca="mobile-id", serial=serial, not_after=mobile_id.not_after, status=status,
                                      reason=reason, changed_at=changed))
    IssuedCertificate.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("identities", "0008_roles_to_organisations"),
        ("pki", "0001_certificate_status"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
