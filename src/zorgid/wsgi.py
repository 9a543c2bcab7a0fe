"""WSGI entry point (gunicorn serves it; see ``zorgid serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
application = get_wsgi_application()

from zorgid.production import refuse_unsafe  # noqa: E402  (after Django is set up)

refuse_unsafe()  # gunicorn's worker does not boot in productie with an unsafe setting (ZID-CONFIG-PRODUCTIE)
