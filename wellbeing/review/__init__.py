"""Flags that can be wrong (issue 21): closing a flag as not applicable or a false alarm, the
officer's own context on a flag about them, the rules report for the wellbeing lead and OH, and the
"what if" run of a rule set before it is published."""
