"""WSGI entry point, used by gunicorn: ``gunicorn kptracker.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kptracker.settings")

django_application = get_wsgi_application()

from kptracker.middleware import StreamStartGuard  # noqa: E402 (needs the settings above)

# A database lost just as an export starts streaming answers the friendly 503, not gunicorn's bare 500.
application = StreamStartGuard(django_application)
