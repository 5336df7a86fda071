"""Demo data drawn from the district's own report: idempotent, so it can run on every start.

Each app that has demo data provides ``<app>/demo.py`` with ``seed() -> str``; they run in the
order of INSTALLED_APPS (so users exist before projects, projects before talents), all in one
transaction. Background work the records ask for is held until the end and sent once; a demo module
that does a job in bulk names in ``SUPERSEDES_TASKS`` the per-record tasks its job replaces (the
matching demo runs one full recompute instead of one recompute per talent).

It says as it goes what is being seeded and how far (``core.demo.progress``: at most a line a
second), how long each app took, and when the background work runs after the commit.
"""

import importlib
import importlib.util
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from jinjin_crm.core.demo import progress_note, progress_to
from jinjin_crm.core.task_requests import task_requests_held


class Command(BaseCommand):
    help = "Create the demo users and records. Running it again adds nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even when DEBUG is off (demo accounts have a published password)",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with DEBUG=true."
            )
        modules = []
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is not None:
                modules.append((app_config.label, importlib.import_module(module_name)))
        superseded = {name for _label, module in modules for name in getattr(module, "SUPERSEDES_TASKS", ())}
        # The records' own words (stage notes, eligibility reasons) are kept in the district's
        # language, whatever language the caller has active.
        started = time.monotonic()
        with translation.override(settings.LANGUAGE_CODE), progress_to(self._say):
            with task_requests_held(suppress=superseded), transaction.atomic():
                for label, module in modules:
                    progress_note(f"{label} …")
                    begun = time.monotonic()
                    summary = module.seed()
                    self._say(f"Demo data, {label}: {summary} created ({time.monotonic() - begun:.1f} s).")
                # Without a broker the background work (the full matching recompute) runs inline now.
                progress_note("saving; then the background work the records asked for …")
                committing = time.monotonic()
            self._say(f"Saved, background work done ({time.monotonic() - committing:.1f} s).")
        self._say(f"Demo data seeded in {time.monotonic() - started:.0f} s.")

    def _say(self, line: str) -> None:
        # Flushed at once: under make the output is a pipe, which would hold the lines back.
        self.stdout.write(line)
        self.stdout.flush()
