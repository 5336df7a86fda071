from django.core.management.base import BaseCommand

from jinjin_crm.core.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo log-ins that seed_demo creates."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for username, role, parks, title in DEMO_USERS:
            where = ", ".join(parks) if parks else "全区"
            self.stdout.write(f"  {username:<12} {role.label} · {title} · {where}")
