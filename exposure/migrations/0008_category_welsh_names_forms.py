"""Welsh names for the default exposure categories and Welsh wording of the default intensity
rubric (our own translations; docs/i18n.md). A row is filled only while its English is still the
default and its Welsh is empty, so a force's own wording is never overwritten; the reverse empties
only the Welsh this migration wrote."""

from django.db import migrations

CATEGORY_NAMES = {
    # (role, code): (English default, Welsh)
    ("call_handling", "threat_to_life"): ("Threat to life or suicide in progress",
                                          "Bygythiad i fywyd neu hunanladdiad ar waith"),
    ("call_handling", "death_serious_injury"): ("Death or serious injury", "Marwolaeth neu anaf difrifol"),
    ("call_handling", "child_at_risk"): ("Child at risk", "Plentyn mewn perygl"),
    ("call_handling", "domestic_abuse"): ("Domestic abuse", "Cam-drin domestig"),
    ("call_handling", "hostile_caller"): ("Caller hostile or threatening", "Galwr gelyniaethus neu fygythiol"),
    ("call_handling", "outcome_unknown"): ("Call ended with the outcome unknown",
                                           "Daeth yr alwad i ben heb wybod y canlyniad"),
    ("cse_review", "category_a"): ("Category A", "Categori A"),
    ("cse_review", "category_b"): ("Category B", "Categori B"),
    ("cse_review", "category_c"): ("Category C", "Categori C"),
    ("firearms", "spontaneous"): ("Spontaneous armed incident", "Digwyddiad arfog digymell"),
    ("firearms", "pre_planned"): ("Pre-planned operation", "Ymgyrch wedi'i chynllunio ymlaen llaw"),
    ("firearms", "armed_containment"): ("Armed containment or siege", "Cyfyngu arfog neu warchae"),
    ("firearms", "protection"): ("Protection or escort duty", "Dyletswydd amddiffyn neu hebrwng"),
    ("firearms", "other_deployment"): ("Other deployment", "Ymgyrch neu alwad arfog arall"),
    ("counter_terrorism", "attack_scene"): ("Attack scene attended", "Mynychu safle ymosodiad"),
    ("counter_terrorism", "live_incident"): ("Live incident attended", "Mynychu digwyddiad byw"),
    ("counter_terrorism", "extremist_material"): ("Extremist or violent material reviewed",
                                                  "Adolygu deunydd eithafol neu dreisgar"),
    ("counter_terrorism", "disruption_operation"): ("Arrest or disruption operation",
                                                    "Ymgyrch arestio neu darfu"),
    ("counter_terrorism", "other_ct"): ("Other counter-terrorism exposure", "Amlygiad gwrthderfysgaeth arall"),
}

# The default rubric of 0003, level by level, with the noun each role's wording uses.
NOUNS = {"call_handling": "call", "cse_review": "material", "firearms": "incident", "counter_terrorism": "incident"}
RUBRIC = [
    "Routine: the {noun} left no mark",
    "Upsetting at the time; I let go of it by the end of the shift",
    "It stayed with me after the {noun}",
    "Hard to put down; still on my mind after the shift",
    "Among the hardest I have dealt with",
]
# Welsh: "yr alwad" (a call, feminine), "y deunydd" (material), "y digwyddiad" (incident).
WELSH_NOUNS = {"call": ("yr alwad", "yr alwad"), "material": ("y deunydd", "gweld y deunydd"),
               "incident": ("y digwyddiad", "y digwyddiad")}
RUBRIC_CY = [
    "Arferol: ni adawodd {subject} unrhyw ôl",
    "Gofidus ar y pryd; roeddwn wedi gallu ei adael erbyn diwedd y sifft",
    "Arhosodd gyda mi ar ôl {after}",
    "Anodd ei roi o'r neilltu; yn dal ar fy meddwl ar ôl y sifft",
    "Ymhlith y pethau anoddaf i mi ddelio â nhw",
]


def rubric_pairs():
    """(role, level) -> (English default, Welsh)."""
    out = {}
    for role, noun in NOUNS.items():
        subject, after = WELSH_NOUNS[noun]
        for level, (english, welsh) in enumerate(zip(RUBRIC, RUBRIC_CY, strict=True), start=1):
            out[(role, level)] = (english.format(noun=noun), welsh.format(subject=subject, after=after))
    return out


def add_welsh(apps, schema_editor):
    category = apps.get_model("exposure", "ExposureCategory")
    rubric = apps.get_model("exposure", "IntensityRubric")
    for (role, code), (english, welsh) in CATEGORY_NAMES.items():
        category.objects.filter(role=role, code=code, name=english, name_cy="").update(name_cy=welsh)
    for (role, level), (english, welsh) in rubric_pairs().items():
        rubric.objects.filter(role=role, level=level, description=english, description_cy="").update(
            description_cy=welsh)


def remove_welsh(apps, schema_editor):
    category = apps.get_model("exposure", "ExposureCategory")
    rubric = apps.get_model("exposure", "IntensityRubric")
    for (role, code), (_english, welsh) in CATEGORY_NAMES.items():
        category.objects.filter(role=role, code=code, name_cy=welsh).update(name_cy="")
    for (role, level), (_english, welsh) in rubric_pairs().items():
        rubric.objects.filter(role=role, level=level, description_cy=welsh).update(description_cy="")


class Migration(migrations.Migration):

    dependencies = [
        ("exposure", "0007_category_welsh_forms"),
    ]

    operations = [migrations.RunPython(add_welsh, remove_welsh)]
