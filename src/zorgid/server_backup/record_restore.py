"""Records ``server.restored`` in the audit log of the installation just restored (run by service.py in a new
process, which reads the restored secret key): ``python -m zorgid.server_backup.record_restore ACTOR DETAILS``."""

from __future__ import annotations

import json
import sys


def main() -> None:
    import django

    django.setup()
    from zorgid.audit.services import record

    actor, details = sys.argv[1], json.loads(sys.argv[2])
    record("server.restored", actor=actor, details=details)


if __name__ == "__main__":
    main()
