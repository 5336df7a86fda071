"""English names of the shipped reference data, shown to people reading the site in English.

Only blank English names are filled, so a name an administrator has since edited stays. Disciplines
have none yet: the catalogue's English names can be added in the admin.
"""

from django.db import migrations

ENGLISH = {
    "Park": {
        "DG": "Degan Industrial Park",
        "SF": "Shuangfu Industrial Park",
        "LH": "Luohuang Industrial Park",
        "BS": "Baisha Industrial Park",
        "SNG": "Chongqing Hub Port Industrial Park",
        "TJH": "Tuanjiehu Digital Economy Industrial Park",
        "GF": "Photovoltaic New Energy Industrial Park",
    },
    "IndustryChain": {
        "NEV": "Intelligent connected new-energy vehicles and parts",
        "CONSUMER": "Consumer goods",
        "MATERIALS": "Advanced materials",
        "DIGITAL": "Digital economy",
        "PV": "Photovoltaics and new energy",
        "EQUIPMENT": "Equipment manufacturing",
        "LOGISTICS": "Modern logistics",
        "BIOMED": "Biomedicine",
    },
    "Degree": {
        "COLLEGE": "Associate degree",
        "BACHELOR": "Bachelor's",
        "MASTER": "Master's",
        "DOCTOR": "Doctorate",
    },
    "TalentTier": {
        "A": "Top talent",
        "B": "National leading talent",
        "C": "Provincial leading talent",
        "D": "Municipal leading talent",
        "E": "Senior talent",
    },
    "Region": {
        "OUTSIDE_CITY": "Outside Chongqing",
        "IN_CITY": "Within Chongqing",
        "OVERSEAS": "Overseas",
    },
}


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    for model_name, names in ENGLISH.items():
        model = apps.get_model("core", model_name)
        for code, name in names.items():
            model.objects.using(alias).filter(code=code, name_en="").update(name_en=name)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_reference_english_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
