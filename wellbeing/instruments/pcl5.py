"""PCL-5, the PTSD Checklist for DSM-5 (US VA National Center for PTSD; public domain).

Past-month version. Items, scale, clusters and the DSM-5 provisional rule as in DOMAIN.md section
1.1. The published screening cut-off is a range (31-33); we use 33, the same number the risk rules
use (wellbeing/risk/rules.py), and report no other bands: the "minimal/mild" bands seen in some copies
are not official.
"""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from wellbeing.instruments.base import Band, Instrument, Item, Option

CUTOFF = 33
# Cluster -> item numbers (1-based), and how many endorsed items (rated 2 or more) the DSM-5
# provisional rule needs from each.
CLUSTERS = {
    "B": (range(1, 6), 1),  # intrusion
    "C": (range(6, 8), 1),  # avoidance
    "D": (range(8, 15), 2),  # negative alterations in cognition and mood
    "E": (range(15, 21), 2),  # alterations in arousal and reactivity
}
ENDORSED_AT = 2


def clusters(answers: Sequence[int]) -> dict:
    scores = {}
    endorsed = {}
    for name, (numbers, _needed) in CLUSTERS.items():
        values = [answers[n - 1] for n in numbers]
        scores[name] = sum(values)
        endorsed[name] = sum(1 for v in values if v >= ENDORSED_AT)
    provisional = all(endorsed[name] >= needed for name, (_n, needed) in CLUSTERS.items())
    return {"clusters": scores, "endorsed": endorsed, "dsm5_provisional": provisional}


PCL5 = Instrument(
    code="pcl5",
    name="PTSD Checklist for DSM-5 (PCL-5)",
    short_name="PCL-5",
    version="en-GB.past-month.1",
    # It closely follows the published PCL-5 directions, so it stays with the English items.
    instructions=(
        "Below is a list of problems that people sometimes have after a very stressful experience. Think of "
        "the most stressful experience at work that is on your mind (the worst recent event, or the kind of "
        "exposure that has affected you most), and for each problem choose how much it has bothered you in "
        "the past month."
    ),
    stem="In the past month, how much were you bothered by:",
    recall_period=_("the past month"),
    options=(
        Option(0, "Not at all"),
        Option(1, "A little bit"),
        Option(2, "Moderately"),
        Option(3, "Quite a bit"),
        Option(4, "Extremely"),
    ),
    items=(
        Item(1, "Repeated, disturbing, and unwanted memories of the stressful experience?"),
        Item(2, "Repeated, disturbing dreams of the stressful experience?"),
        Item(3, "Suddenly feeling or acting as if the stressful experience were actually happening again (as "
                "if you were actually back there reliving it)?"),
        Item(4, "Feeling very upset when something reminded you of the stressful experience?"),
        Item(5, "Having strong physical reactions when something reminded you of the stressful experience "
                "(for example, heart pounding, trouble breathing, sweating)?"),
        Item(6, "Avoiding memories, thoughts, or feelings related to the stressful experience?"),
        Item(7, "Avoiding external reminders of the stressful experience (for example, people, places, "
                "conversations, activities, objects, or situations)?"),
        Item(8, "Trouble remembering important parts of the stressful experience?"),
        Item(9, "Having strong negative beliefs about yourself, other people, or the world (for example, "
                "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
                "be trusted, the world is completely dangerous)?"),
        Item(10, "Blaming yourself or someone else for the stressful experience or what happened after it?"),
        Item(11, "Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
        Item(12, "Loss of interest in activities that you used to enjoy?"),
        Item(13, "Feeling distant or cut off from other people?"),
        Item(14, "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
                 "loving feelings for people close to you)?"),
        Item(15, "Irritable behavior, angry outbursts, or acting aggressively?"),
        Item(16, "Taking too many risks or doing things that could cause you harm?"),
        Item(17, "Being \"superalert\" or watchful or on guard?"),
        Item(18, "Feeling jumpy or easily startled?"),
        Item(19, "Having difficulty concentrating?"),
        Item(20, "Trouble falling or staying asleep?"),
    ),
    bands=(
        Band("below_cutoff", 0, CUTOFF - 1, _("Below the screening level"), _(
            "Your answers are below the level at which a conversation about post-traumatic stress is usually "
            "suggested. Reactions after hard experiences are normal and often ease with time and support.")),
        Band("at_or_above_cutoff", CUTOFF, 80, _("At or above the screening level"), _(
            "Your answers are at or above the level at which a conversation about post-traumatic stress is "
            "usually suggested. This is common after the work you do and it is treatable: occupational "
            "health can arrange an assessment and support.")),
    ),
    cutoff=CUTOFF,
    cutoff_text=_("A score of 33 or more is the level at which a professional assessment is usually suggested."),
    source=_("Weathers, Litz, Keane, Palmieri, Marx and Schnurr, National Center for PTSD (US Department of "
             "Veterans Affairs). In the public domain."),
    extra_result=clusters,
)
