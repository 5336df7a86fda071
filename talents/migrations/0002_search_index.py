from django.db import migrations

INDEX = "talent_search_tokens_gin"


def create_index(apps, schema_editor):
    # A GIN index over the tokens answers `@>` for search terms of any length in any locale
    # (talents/search.py). SQLite has no GIN; there the search scans, which its sizes allow.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON talents_talent USING gin (string_to_array(search_text, ' '))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("talents", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
