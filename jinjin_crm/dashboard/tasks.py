"""Celery tasks of the dashboard: thin wrappers around its services.

``dashboard.weekly_report`` is the beat entry "dashboard-weekly-report" (Fridays at 16:00, local
time): it generates this week's report, recorded as a job run of kind ``weekly_report``. Running it
twice makes two reports of the same week; the list shows both, newest first.
"""

import datetime

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from jinjin_crm.core.jobs import job_kind_register, job_running

from .periods import WEEK, period_of
from .reports import weekly_report_generate

JOB_KIND = "weekly_report"
# The jobs page names the kinds it knows; a later app registers its own (core names no domain app).
job_kind_register(
    JOB_KIND,
    _("Weekly report"),
    {
        "report": _("report no."),
        "projects": _("projects signed that week"),
        "talents": _("talents onboarded that week"),
    },
)


@shared_task(name="dashboard.weekly_report")
def weekly_report(job_id: int | None = None, day: str | None = None) -> int:
    """Generate the report of the week holding ``day`` (ISO date; default today), by the scheduled
    job; the new report's id."""
    with job_running(job_id, kind=JOB_KIND) as job:
        week = period_of(WEEK, datetime.date.fromisoformat(day)) if day else None
        report = weekly_report_generate(week=week, by=None)
        job.counts = {
            "report": report.pk,
            "projects": len(report.data["projects"]),
            "talents": len(report.data["talents"]),
        }
    return report.pk
