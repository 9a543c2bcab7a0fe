"""WSGI entry point (gunicorn serves it; see ``zorgid serve``).

Whatever starts it (``zorgid serve``, or gunicorn or another WSGI server run directly, as a systemd unit may), it
refuses what ``zorgid serve`` refuses: a restore that was interrupted (ZID-RESTORE-INCOMPLETE, docs/security.md,
"Backup of the server") and, in productie, an unsafe setting (ZID-CONFIG-PRODUCTIE). The worker does not boot.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
application = get_wsgi_application()

from zorgid.production import refuse_unsafe  # noqa: E402  (after Django is set up)
from zorgid.server_backup.service import refuse_when_restore_incomplete  # noqa: E402

refuse_when_restore_incomplete()  # never serve a mix of a backup's database and the files from before
refuse_unsafe()  # gunicorn's worker does not boot in productie with an unsafe setting (ZID-CONFIG-PRODUCTIE)
