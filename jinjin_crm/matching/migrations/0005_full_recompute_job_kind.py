"""The full matching recompute was recorded under the kind "matching.recompute", which the jobs
page did not name; it is "matching_full" now."""

from django.db import migrations


def rename(apps, schema_editor):
    apps.get_model("core", "JobRun").objects.filter(kind="matching.recompute").update(kind="matching_full")


def unrename(apps, schema_editor):
    apps.get_model("core", "JobRun").objects.filter(kind="matching_full").update(kind="matching.recompute")


class Migration(migrations.Migration):
    dependencies = [("matching", "0004_match_fewer_indexes"), ("core", "0006_jobrun")]

    operations = [migrations.RunPython(rename, unrename)]
