from django.core.management.base import BaseCommand, CommandError

from jinjin_crm.api.services import api_client_create
from jinjin_crm.core.models import Park


class Command(BaseCommand):
    help = "Create an API client for a park's system and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("--park", required=True, help="the park's code, e.g. SF")
        parser.add_argument(
            "--name", required=True, help="a name for the client, e.g. 'Shuangfu park system'"
        )

    def handle(self, *args, park, name, **options):
        try:
            park_obj = Park.objects.get(code=park)
        except Park.DoesNotExist:
            codes = ", ".join(Park.objects.values_list("code", flat=True))
            raise CommandError(f"No park with code {park!r}. Known codes: {codes}") from None
        client, key = api_client_create(name=name, park=park_obj)
        self.stdout.write(f"Created API client {client.name!r} for park {park_obj.code} ({park_obj.name}).")
        self.stdout.write("Its key is shown only now; store it safely:")
        self.stdout.write(key)
