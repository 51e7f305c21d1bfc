"""Wellbeing models, one module per area: `risk` (rule sets, assessments, flags) and
`checkins` (instruments, schedules, check-ins, support contacts)."""

from wellbeing.models.checkins import CheckIn, CheckInSchedule, SupportContact  # noqa: F401
from wellbeing.models.oh import ErasureReport, LegalHold, OHCaseNote, Referral, RetentionPolicy  # noqa: F401
from wellbeing.models.risk import Flag, RiskAssessment, RoleBaseline, RuleSet  # noqa: F401
from wellbeing.models.screening import Screening, ScreeningInterval, ScreeningKind  # noqa: F401
from wellbeing.models.talk import HelpContact, HelpRequest  # noqa: F401
from wellbeing.models.trim import TrimAssessment, TrimCase, TrimIncident  # noqa: F401
from wellbeing.models.welfare import DeploymentFollowUp, WelfareAction  # noqa: F401
