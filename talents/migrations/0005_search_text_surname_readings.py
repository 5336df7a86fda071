"""Recompute every talent's ``search_text``: the surname is now read as a surname (talents/search.py).

At 100,000 talents (the benchmark database of docs/performance.md) about a quarter of the rows
change (names whose surname has several readings: 方, 曾, 单 …) and the migration takes about half a
minute. Talents are read in batches in id order, with their discipline ids from the link table and
the 117 disciplines loaded once (prefetching builds a model per link and was the slowest part);
only rows whose tokens change are written, with ``bulk_update``: no save(), so no history rows and
no ``updated_at`` change.
"""

from collections import defaultdict

from django.db import migrations

from talents.search import search_text_for

BATCH = 2000


def recompute_search_text(apps, schema_editor):
    Talent = apps.get_model("talents", "Talent")
    Discipline = apps.get_model("core", "Discipline")
    Link = Talent.disciplines.through
    alias = schema_editor.connection.alias
    disciplines = {discipline.pk: discipline for discipline in Discipline.objects.using(alias)}
    talents = Talent.objects.using(alias).order_by("pk")
    fields = ("pk", "name", "university", "research_keywords", "phone", "search_text")
    last = 0
    while batch := list(talents.filter(pk__gt=last).only(*fields)[:BATCH]):
        last = batch[-1].pk
        linked = defaultdict(list)
        links = Link.objects.using(alias).filter(talent_id__in=[talent.pk for talent in batch])
        for talent_id, discipline_id in links.values_list("talent_id", "discipline_id"):
            linked[talent_id].append(disciplines[discipline_id])
        changed = []
        for talent in batch:
            text = search_text_for(
                name=talent.name,
                university=talent.university,
                disciplines=linked[talent.pk],
                keywords=talent.research_keywords,
                phone=talent.phone,
            )
            if text != talent.search_text:
                talent.search_text = text
                changed.append(talent)
        Talent.objects.using(alias).bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_jobrun"),
        ("talents", "0004_name_label_university_index"),
    ]

    # Going back leaves the new tokens: the earlier code then finds a few surnames by fewer readings.
    operations = [migrations.RunPython(recompute_search_text, migrations.RunPython.noop, elidable=True)]
