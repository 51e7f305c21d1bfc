from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal import roles
from wellbeing.checkins.contact_links import contact_parts
from wellbeing.models import CheckInSchedule, RuleSet, ScreeningInterval, SupportContact


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "created_by", "note"]
    readonly_fields = ["version", "created_at", "created_by"]
    change_list_template = "admin/wellbeing/ruleset/change_list.html"

    def get_urls(self):
        """The "what if" page (issue 21): a candidate rule set on the last 90 nights, nothing written."""
        from django.urls import path

        from wellbeing.review.admin_views import rules_what_if

        def view(request):
            return rules_what_if(self, request)

        return [path("what-if/", self.admin_site.admin_view(view), name="wellbeing_ruleset_what_if"),
                *super().get_urls()]


# CheckIn is deliberately not registered: answers and comments are seen only by the officer and,
# through the OH pages (audited), by occupational health; never through the admin. Nor is Flag: a
# flag names a person with a clinical reason ("phq9_item9"), urgency and severity, a clinical
# inference an admin must not read (hazard H4); OH reads flags on its own, audited pages.


@admin.register(CheckInSchedule)
class CheckInScheduleAdmin(admin.ModelAdmin):
    list_display = ["instrument", "trigger", "every_days", "grace_days", "organisation", "role", "active"]
    list_filter = ["instrument", "trigger", "active", "organisation", "role"]
    list_select_related = ["organisation"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "role":  # the roles are data (portal.roles.Role); empty for every role
            return forms.ChoiceField(label=capfirst(db_field.verbose_name), required=False,
                                     choices=role_choices, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def role_choices():
    return [(code, label) for code, label in roles.admin_choices() if code != roles.OTHER]


@admin.register(SupportContact)
class SupportContactAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "tap_link", "organisation", "nation", "order", "always_open", "active"]
    list_filter = ["organisation", "nation", "always_open", "active"]
    list_editable = ["order", "always_open", "active"]
    readonly_fields = ["tap_link"]
    list_select_related = ["organisation"]
    search_fields = ["name", "contact"]

    @admin.display(description=_("tap link on a phone"))
    def tap_link(self, obj):
        """What the contact text becomes on the page (wellbeing/checkins/contact_links.py), so an admin can
        see a number that will not be linked before an officer meets it."""
        links = [p.href for p in contact_parts(obj.contact) if p.href] if obj and obj.contact else []
        return ", ".join(links) or _("none: shown as text")


# --- Retention. Holds and erasure reports are read-only records. OH casework (referrals, case notes)
# and welfare actions are not registered: who was referred, for what and with what outcome, and what
# a supervisor did after a flag, are wellbeing detail that OH reads on its own audited pages.
from wellbeing.models import ErasureReport, LegalHold, RetentionPolicy  # noqa: E402


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["record_type", "years_after_employment"]
    list_editable = ["years_after_employment"]

    def has_add_permission(self, request):
        return False  # one row per record type, seeded by migration

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "person", "placed_at", "placed_by", "lifted_at"]
    list_select_related = ["person", "placed_by"]
    fields = ["person", "placed_at", "placed_by", "lifted_at", "lifted_by"]  # not the reason: free text


@admin.register(ErasureReport)
class ErasureReportAdmin(_ReadOnlyAdmin):
    list_display = ["ran_at", "people", "counts"]


# OHCaseNote is deliberately not registered: note text is for OH's case page only. Nor are Referral,
# WelfareAction or RiskAssessment (levels and clinical reason codes).


# --- Screening (wellbeing/screening, docs/screening.md). The intervals are configuration; an
# organisation without a row for a role and kind uses the defaults. Screening rows are not
# registered: an outcome band is clinical detail that OH reads on its own audited pages.
@admin.register(ScreeningInterval)
class ScreeningIntervalAdmin(admin.ModelAdmin):
    list_display = ["organisation", "role", "kind", "interval_months", "first_within_days", "active"]
    list_filter = ["organisation", "role", "kind", "active"]
    list_editable = ["interval_months", "first_within_days", "active"]
    list_select_related = ["organisation"]
