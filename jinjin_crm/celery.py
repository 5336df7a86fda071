"""The Celery application. Its settings are the ``CELERY_*`` names in ``jinjin_crm.settings``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")

app = Celery("jinjin_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
