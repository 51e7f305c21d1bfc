"""Default exposure categories and intensity rubrics per role, so a fresh database has them.

A force edits them in the admin afterwards; this migration only adds rows that are missing, and its
reverse removes only default rows that no exposure uses."""

from django.db import migrations

CATEGORIES = {
    "call_handling": [
        ("threat_to_life", "Threat to life or suicide in progress", 5),
        ("death_serious_injury", "Death or serious injury", 5),
        ("child_at_risk", "Child at risk", 4),
        ("domestic_abuse", "Domestic abuse", 3),
        ("hostile_caller", "Caller hostile or threatening", 3),
        ("outcome_unknown", "Call ended with the outcome unknown", 3),
    ],
    "cse_review": [
        ("category_a", "Category A", 5),
        ("category_b", "Category B", 4),
        ("category_c", "Category C", 3),
    ],
    "firearms": [
        ("spontaneous", "Spontaneous armed incident", 4),
        ("pre_planned", "Pre-planned operation", 3),
        ("armed_containment", "Armed containment or siege", 4),
        ("protection", "Protection or escort duty", 2),
        ("other_deployment", "Other deployment", 2),
    ],
    "counter_terrorism": [
        ("attack_scene", "Attack scene attended", 5),
        ("live_incident", "Live incident attended", 4),
        ("extremist_material", "Extremist or violent material reviewed", 3),
        ("disruption_operation", "Arrest or disruption operation", 3),
        ("other_ct", "Other counter-terrorism exposure", 2),
    ],
}

NOUNS = {"call_handling": "call", "cse_review": "material", "firearms": "incident", "counter_terrorism": "incident"}
RUBRIC = [
    "Routine: the {noun} left no mark",
    "Upsetting at the time; I let go of it by the end of the shift",
    "It stayed with me after the {noun}",
    "Hard to put down; still on my mind after the shift",
    "Among the hardest I have dealt with",
]


def add_defaults(apps, schema_editor):
    category = apps.get_model("exposure", "ExposureCategory")
    rubric = apps.get_model("exposure", "IntensityRubric")
    for role, rows in CATEGORIES.items():
        for order, (code, name, intensity) in enumerate(rows):
            category.objects.get_or_create(
                role=role, code=code, defaults={"name": name, "default_intensity": intensity, "order": order}
            )
        for level, text in enumerate(RUBRIC, start=1):
            rubric.objects.get_or_create(
                role=role, level=level, defaults={"description": text.format(noun=NOUNS[role])}
            )


def remove_defaults(apps, schema_editor):
    category = apps.get_model("exposure", "ExposureCategory")
    rubric = apps.get_model("exposure", "IntensityRubric")
    for role, rows in CATEGORIES.items():
        category.objects.filter(role=role, code__in=[c for c, _, _ in rows], exposures__isnull=True).delete()
    rubric.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("exposure", "0002_logging_history_viewing"),
    ]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
