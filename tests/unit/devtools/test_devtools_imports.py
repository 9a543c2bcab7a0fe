"""The developer tools run without a configured server: they import no Django and no server module."""

import subprocess
import sys


def test_devtools_import_no_django():
    code = ("import sys, zorgid.devtools.cli, zorgid.devtools.softhsm_worker\n"
            "print('\\n'.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert not [m for m in loaded if m.split(".")[0] in ("django", "rest_framework")]
    allowed = ("zorgid.devtools", "zorgid.protocol", "zorgid.config")
    terminal = {"zorgid.terminal"}  # the Dutch --help and error report of the server's command lines
    # zorgid dev mail reads the kept development mail with the outbox's file module, which has no Django either
    mail_files = {"zorgid.outbox", "zorgid.outbox.dev_mail_files", "zorgid.outbox.errors"}
    assert [m for m in loaded if m.startswith("zorgid.") and not m.startswith(allowed)
            and m not in terminal | mail_files] == []
