"""Demo matches: one full recompute over the demo talents and demands, as a job run.

The demo seed makes thousands of talents; recomputing after each would cost more than the seed.
``SUPERSEDES_TASKS`` tells ``seed_demo`` to drop those per-record requests: this job covers them.
"""

from jinjin_crm.core.models import JobRun

from .services import JOB_KIND, recompute_full_start

SUPERSEDES_TASKS = ("matching.recompute_talent", "matching.recompute_demand")


def seed() -> str:
    if JobRun.objects.filter(kind=JOB_KIND).exists():
        return "no recompute (already seeded)"
    job = recompute_full_start()
    return f"a full matching recompute (job #{job.pk})"
