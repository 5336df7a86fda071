"""The Celery application. Its settings are the ``CELERY_*`` names in ``jinjin_crm.settings``."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjin_crm.settings")

app = Celery("jinjin_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.celeryd_init.connect
def worker_waits_out_redis(*, conf, **kwargs) -> None:
    """A worker serves no request: it rides out a Redis restart with Celery's default retries.

    The settings give up on Redis after about a second so that a web request queuing work never waits
    longer (issue 13); a worker storing a result or sending a chord's callback would rather wait.
    """
    conf.result_backend_transport_options = {}
    conf.task_publish_retry_policy = {
        "max_retries": 3,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
