"""WSGI entry point (gunicorn serves it; see ``zorgid serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
application = get_wsgi_application()
