from django.db import migrations

INDEX = "talent_search_tokens_gin"


def raise_statistics(apps, schema_editor):
    # With the default statistics target the planner guesses ~165 rows for any rare token (a phone
    # tail matches 1-3 of 100k) and walks the list's ordering index instead of the GIN index. A larger
    # sample of the tokens' frequencies lets it tell rare tokens from common ones (docs/performance.md).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX} ALTER COLUMN 1 SET STATISTICS 1000")


def reset_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX} ALTER COLUMN 1 SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("talents", "0002_search_index")]

    operations = [migrations.RunPython(raise_statistics, reset_statistics)]
