"""PHQ-9, GAD-7 and PHQ-4 (the Pfizer PHQ family, free to reproduce unchanged).

Items, response options, recall period, bands and cut-offs as recorded in DOMAIN.md sections
1.2-1.4 (PHQ-9 5/10/15/20, positive at 10; GAD-7 5/10/15, positive at 10; PHQ-4 distress bands
3/6/9, positive when either subscale is 3 or more). Item text is verbatim and not translated here.
"""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from wellbeing.instruments.base import Band, Instrument, Item, Option, SafetyQuestion

PFIZER_SOURCE = _(
    "Developed by Drs Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
    "educational grant from Pfizer Inc. Free to reproduce without permission."
)

# The PHQ family's one response scale, verbatim.
FREQUENCY = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)
TWO_WEEKS = _("the last 2 weeks")
STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"

PHQ9 = Instrument(
    code="phq9",
    name="Patient Health Questionnaire (PHQ-9)",
    short_name="PHQ-9",
    version="en-GB.1",
    instructions=_(
        "Nine questions about your mood over the last two weeks. For each one, choose how often it has "
        "bothered you. There are no right or wrong answers."
    ),
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    recall_period=TWO_WEEKS,
    options=FREQUENCY,
    items=(
        Item(1, "Little interest or pleasure in doing things"),
        Item(2, "Feeling down, depressed, or hopeless"),
        Item(3, "Trouble falling or staying asleep, or sleeping too much"),
        Item(4, "Feeling tired or having little energy"),
        Item(5, "Poor appetite or overeating"),
        Item(6, "Feeling bad about yourself — or that you are a failure or have let yourself or your "
                "family down"),
        Item(7, "Trouble concentrating on things, such as reading the newspaper or watching television"),
        Item(8, "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
                "being so fidgety or restless that you have been moving around a lot more than usual"),
        Item(9, "Thoughts that you would be better off dead or of hurting yourself in some way",
             urgent_at=1, urgent_reason="phq9_item9"),
    ),
    bands=(
        Band("minimal", 0, 4, _("Minimal"), _(
            "Your answers suggest few or no symptoms of low mood at the moment.")),
        Band("mild", 5, 9, _("Mild"), _(
            "Your answers suggest some mild symptoms of low mood. Many people feel like this at times; "
            "keep an eye on how you are and use the support below if it would help.")),
        Band("moderate", 10, 14, _("Moderate"), _(
            "Your answers suggest moderate symptoms of low mood. Talking to someone can help: occupational "
            "health can arrange support, and the contacts below are there too.")),
        Band("moderately_severe", 15, 19, _("Moderately severe"), _(
            "Your answers suggest that low mood has been affecting you quite a lot. Please talk to someone "
            "soon: occupational health, your GP, or one of the contacts below.")),
        Band("severe", 20, 27, _("Severe"), _(
            "Your answers suggest that low mood has been affecting you a great deal. Please talk to someone "
            "soon: occupational health, your GP, or one of the contacts below.")),
    ),
    cutoff=10,
    cutoff_text=_("A score of 10 or more is the usual level for further conversation with a professional."),
    source=PFIZER_SOURCE,
    extra_result=lambda a: {"item9": a[8]},
)

GAD7 = Instrument(
    code="gad7",
    name="Generalised Anxiety Disorder scale (GAD-7)",
    short_name="GAD-7",
    version="en-GB.1",
    instructions=_(
        "Seven questions about worry and anxiety over the last two weeks. For each one, choose how often it "
        "has bothered you."
    ),
    stem=STEM,
    recall_period=TWO_WEEKS,
    options=FREQUENCY,
    items=(
        Item(1, "Feeling nervous, anxious or on edge"),
        Item(2, "Not being able to stop or control worrying"),
        Item(3, "Worrying too much about different things"),
        Item(4, "Trouble relaxing"),
        Item(5, "Being so restless that it is hard to sit still"),
        Item(6, "Becoming easily annoyed or irritable"),
        Item(7, "Feeling afraid as if something awful might happen"),
    ),
    bands=(
        Band("minimal", 0, 4, _("Minimal"), _(
            "Your answers suggest little or no anxiety at the moment.")),
        Band("mild", 5, 9, _("Mild"), _(
            "Your answers suggest some mild anxiety. That is common in demanding roles; keep an eye on it "
            "and use the support below if it would help.")),
        Band("moderate", 10, 14, _("Moderate"), _(
            "Your answers suggest moderate anxiety. Talking to someone can help: occupational health can "
            "arrange support, and the contacts below are there too.")),
        Band("severe", 15, 21, _("Severe"), _(
            "Your answers suggest that anxiety has been affecting you a great deal. Please talk to someone "
            "soon: occupational health, your GP, or one of the contacts below.")),
    ),
    cutoff=10,
    cutoff_text=_("A score of 10 or more is the usual level for further conversation with a professional."),
    source=PFIZER_SOURCE,
)


def _phq4_subscales(answers: Sequence[int]) -> dict:
    anxiety = answers[0] + answers[1]
    depression = answers[2] + answers[3]
    return {"anxiety": anxiety, "depression": depression,
            "anxiety_positive": anxiety >= 3, "depression_positive": depression >= 3}


PHQ4 = Instrument(
    code="phq4",
    name="Patient Health Questionnaire-4 (PHQ-4)",
    short_name="PHQ-4",
    version="en-GB.1",
    instructions=_(
        "A brief check-in: four questions about the last two weeks, then one question of our own about "
        "your safety."
    ),
    stem=STEM,
    recall_period=TWO_WEEKS,
    options=FREQUENCY,
    items=(
        Item(1, "Feeling nervous, anxious or on edge"),
        Item(2, "Not being able to stop or control worrying"),
        Item(3, "Little interest or pleasure in doing things"),
        Item(4, "Feeling down, depressed or hopeless"),
    ),
    bands=(
        Band("none", 0, 2, _("None"), _("Your answers suggest little or no distress at the moment.")),
        Band("mild", 3, 5, _("Mild"), _(
            "Your answers suggest some mild distress. Keep an eye on how you are and use the support below "
            "if it would help.")),
        Band("moderate", 6, 8, _("Moderate"), _(
            "Your answers suggest moderate distress. Talking to someone can help: occupational health can "
            "arrange support, and the contacts below are there too.")),
        Band("severe", 9, 12, _("Severe"), _(
            "Your answers suggest that you have been under a lot of strain. Please talk to someone soon: "
            "occupational health, your GP, or one of the contacts below.")),
    ),
    cutoff=None,
    cutoff_text=_(
        "A score of 3 or more on the two anxiety questions, or on the two mood questions, is the usual level "
        "for a fuller questionnaire."),
    source=PFIZER_SOURCE,
    safety_question=SafetyQuestion(
        # Clinical wording (it follows PHQ-9 item 9), so it is not translated through gettext.
        text=("Over the last 2 weeks, have you had thoughts that you would be better off dead, or of hurting "
              "yourself in some way?"),
        yes_label=_("Yes"),
        no_label=_("No"),
        reason_code="safety_question",
    ),
    extra_result=_phq4_subscales,
    positive_rule=lambda total, result: result["anxiety_positive"] or result["depression_positive"],
)
