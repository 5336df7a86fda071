"""Demo data drawn from the district's own report: idempotent, so it can run on every start."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role
from jinjin_crm.core.services import user_create

DEMO_PASSWORD = "jinjin-demo-2024"

# (username, role, park codes, title); names come from a seeded Faker so every run agrees.
DEMO_USERS = (
    ("admin", Role.ADMIN, (), "系统管理员"),
    ("leader", Role.LEADER, (), "区委组织部部长"),
    ("officer_dg", Role.OFFICER, ("DG",), "引才专员"),
    ("officer_sf", Role.OFFICER, ("SF",), "引才专员"),
    ("officer_lh", Role.OFFICER, ("LH",), "引才专员"),
    ("officer_bs", Role.OFFICER, ("BS",), "引才专员"),
    ("investment", Role.OFFICER, ("SNG", "TJH", "GF"), "招商专员"),
)


class Command(BaseCommand):
    help = "Create the demo users (and, as later apps add them, demo records). Running it again adds nothing."

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
        fake = Faker("zh_CN")
        fake.seed_instance(2024)
        created = 0
        with transaction.atomic():
            parks = {park.code: park for park in Park.objects.all()}
            for username, role, park_codes, title in DEMO_USERS:
                name = fake.name()
                if User.objects.filter(username=username).exists():
                    continue
                user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    name=name,
                    title=title,
                    roles=(role,),
                    parks=[parks[code] for code in park_codes],
                )
                created += 1
        self.stdout.write(f"Demo data: {created} user(s) created.")
