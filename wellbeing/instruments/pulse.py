"""The post-shift pulse: five items of our own, not a validated instrument.

Every item is worded so that a HIGHER answer means DOING BETTER (0-4 each, total 0-20); the risk
engine reads pulse totals and looks for a falling trend. There are no severity bands (we do not
invent bands) and no cut-off: a pulse is never "positive".
"""

from django.utils.translation import gettext_lazy as _

from wellbeing.instruments.base import Instrument, Item, Option

PULSE = Instrument(
    code="pulse",
    name=_("Post-shift pulse"),
    short_name=_("Pulse"),
    version="1",
    instructions=_(
        "Five quick questions about how you are after this shift. It takes under a minute."
    ),
    stem=_("Thinking about how you are now, since the end of your shift:"),
    recall_period=_("since the end of your shift"),
    options=(
        Option(0, _("Not at all")),
        Option(1, _("A little")),
        Option(2, _("Somewhat")),
        Option(3, _("Mostly")),
        Option(4, _("Completely")),
    ),
    items=(
        Item(1, _("My mood is good.")),
        Item(2, _("I expect to sleep well tonight (or I slept well after my last shift).")),
        Item(3, _("I have been able to let go of the shift.")),
        Item(4, _("I have been free of unwanted memories or images from the shift.")),
        Item(5, _("I feel supported by the people I work with.")),
    ),
    bands=(),
    cutoff=None,
    cutoff_text="",
    source=_("Our own short check-in, written for this portal. Higher scores mean you are doing better."),
    higher_is_better=True,
    validated=False,
)
