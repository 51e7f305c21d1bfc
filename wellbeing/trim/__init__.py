"""TRiM (trauma risk management) run in the portal: cases open from a logged critical incident, a
supervisor's declared incident or a referral; the coordinator plans and assigns practitioners; the
practitioner records assessments (band and action only); missed deadlines escalate. docs/trim.md."""
