"""Access-matrix rows of the development mail pages (portal/devmail_views.py, acceptatie): operators only.

In productie the same addresses answer 404 ZID-NOT-FOUND to every role (tests/integration/portal/
test_devmail_pages.py): the table runs in acceptatie.
"""

from django.conf import settings

from zorgid import clock
from zorgid.outbox import dev_mail_files

ROWS: dict = {
    "dev-mail": ("get", "/dev/mail", "operator", None, (200, None)),
    "dev-mail-detail": ("get", "/dev/mail/{dev_mail}", "operator", None, (200, None)),
    "dev-mail-attachment": ("get", "/dev/mail/{dev_mail}/zorgid-activatie-ZID-2026-MATRIX01.png", "operator", None,
                            (200, None)),
}


def values(*, linde, oost, bram, people) -> dict:
    """A stored mail with an attachment, in the test's own mail folder (tests/integration/conftest.py)."""
    message = (b"Subject: Activatie\r\nTo: anna@linde.example\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nTekst\r\n"
               b"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; "
               b"filename=zorgid-activatie-ZID-2026-MATRIX01.png\r\n\r\n\x89PNG\r\n--b--\r\n")
    return {"dev_mail": dev_mail_files.store(settings.ZORGID_DEV_MAIL_DIR, message, clock.now()).stem}
