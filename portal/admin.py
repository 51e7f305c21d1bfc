from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import access, audit, roles
from portal.admin_guard import audit_role_change, audit_team_supervisors, role_snapshot
from portal.dates import BoundedDateField
from portal.models import AuditEvent, Notification, Organisation, ScimToken, TaskFailure, Team, Unit, User
from portal.scim.admin_actions import scim_token_create_action


class OrganisationForm(forms.ModelForm):
    """The urgent route's contacts can only be active OH members covering this organisation
    (`access.urgent_contacts_eligible`), and two different people."""

    CONTACTS = ("on_call_contact", "on_call_second_contact")

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 - the admin's own form, every field shown as before

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CONTACTS:
            if name in self.fields:
                self.fields[name].queryset = access.urgent_contacts_eligible(self.instance.pk)
                self.fields[name].error_messages["invalid_choice"] = _(
                    "Choose an active occupational health member of this organisation (save a new "
                    "organisation first, then give its occupational health staff the role).")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("on_call_contact"), cleaned.get("on_call_second_contact")
        if second is not None and first is None:
            self.add_error("on_call_contact", _("Name the on-call contact before a second contact."))
        elif first is not None and first == second:
            self.add_error("on_call_second_contact", _("The second contact must be someone else."))
        return cleaned


def urgent_route_warnings(organisation: Organisation) -> list[str]:
    """What an administrator should fix in an organisation's urgent route."""
    eligible = {u.pk for u in access.urgent_contacts_eligible(organisation.pk)}
    if not eligible:
        return [_("%(name)s has no active occupational health member: urgent flags reach nobody. Give "
                  "someone the occupational health role now.") % {"name": organisation}]
    if organisation.on_call_contact_id not in eligible:
        return [_("%(name)s has no on-call contact for urgent flags (or the one named is no longer an active "
                  "occupational health member): urgent flags go to every occupational health member, and "
                  "nobody is told again if none of them acknowledges in time.") % {"name": organisation}]
    return []


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "nation", "on_call_contact", "local_passwords_allowed"]
    list_filter = ["kind", "nation", "local_passwords_allowed"]
    list_select_related = ["on_call_contact"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [scim_token_create_action]  # portal/scim/admin_actions.py: the token, shown once

    def change_view(self, request, object_id, form_url="", extra_context=None):
        organisation = self.get_object(request, object_id)
        if organisation is not None and request.method == "GET":
            for warning in urgent_route_warnings(organisation):
                messages.warning(request, warning)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            missing = Organisation.objects.filter(on_call_contact__isnull=True).count()
            if missing:
                messages.warning(request, ngettext(
                    "%(count)d organisation has no on-call contact for urgent flags.",
                    "%(count)d organisations have no on-call contact for urgent flags.", missing)
                    % {"count": missing})
        return super().changelist_view(request, extra_context)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "unit"]
    list_filter = ["unit__organisation"]
    search_fields = ["name", "unit__name"]
    filter_horizontal = ["supervisors"]
    list_select_related = ["unit__organisation"]

    def save_model(self, request, obj, form, change):
        # Who supervises a team decides who sees its dashboard: a role change, audited.
        obj._supervisors_before = set(obj.supervisors.values_list("pk", flat=True)) if obj.pk else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit_team_supervisors(team=form.instance,
                               before=getattr(form.instance, "_supervisors_before", set()))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "team", "high_risk_role", "is_active"]
    list_filter = ["organisation", "is_officer", "is_supervisor", "is_trainer", "is_oh", "is_wellbeing_lead",
                   "is_peer_supporter", "is_trim_practitioner", "is_trim_coordinator", "is_staff", "is_active"]
    list_select_related = ["organisation", "team__unit"]
    filter_horizontal = ["granted_organisations", "groups", "user_permissions"]
    # employment_ended_on drives retention arithmetic: 0001-01-01 would overflow it later.
    formfield_overrides = {models.DateField: {"form_class": BoundedDateField}}
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Where they work"), {"fields": ["organisation", "staff_number", "team", "high_risk_role",
                                           "high_risk_role_since", "granted_organisations"]}),
        (_("Roles"), {"fields": ["is_officer", "is_supervisor", "is_trainer", "is_oh", "is_wellbeing_lead",
                                 "is_peer_supporter", "is_trim_practitioner", "is_trim_coordinator", "is_staff",
                                 "is_active"]}),
        (_("Peer support"), {"fields": ["peer_availability", "peer_trained_on"]}),
        (_("TRiM"), {"fields": ["trim_trained_on", "trim_refresher_due_on"]}),
        (_("Employment"), {"fields": ["employment_ended_on"]}),
        (_("Django permissions"), {"classes": ["collapse"], "fields": ["is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "high_risk_role":  # the roles are data (portal.roles.Role), read when the form is made
            return forms.ChoiceField(label=capfirst(db_field.verbose_name), required=False,
                                     choices=roles.admin_choices)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Read the roles as stored before this save, so the audit event says what changed.
        stored = User.objects.filter(pk=obj.pk).first() if obj.pk else None
        obj._roles_before = role_snapshot(stored)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # groups, permissions, organisations
        user = form.instance
        audit_role_change(user=user, before=getattr(user, "_roles_before", role_snapshot(None)),
                          created=not change)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A group's permissions are every member's permissions: changing them is a role change, audited."""

    def save_model(self, request, obj, form, change):
        obj._permissions_before = set(obj.permissions.values_list("pk", flat=True)) if obj.pk else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.instance
        before = getattr(group, "_permissions_before", set())
        after = set(group.permissions.values_list("pk", flat=True))
        if before != after:
            audit.record("admin_group_permissions_changed", obj=group,
                         detail={"group": group.pk, "added": sorted(after - before),
                                 "removed": sorted(before - after)})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    # Who, when, which action on which object id; never `detail` or `reason`: for flags, referrals
    # and OH casework they hold reason codes ("phq9_item9"), urgency, severity, referral kinds and
    # outcomes, clinical inferences an administrator must not read (docs/clinical-safety.md, H4).
    list_display = ["at", "action", "actor", "subject", "object_type", "object_id", "ip_address"]
    fields = list_display
    list_filter = ["action"]
    search_fields = ["object_id"]
    date_hierarchy = "at"
    list_select_related = ["actor", "subject"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    # Delivery state only. A notification's title names a person and, for OH, whether it is urgent: a
    # clinical inference an administrator must not read (docs/clinical-safety.md, H4).
    list_display = ["created_at", "user", "read_at", "emailed_at", "email_attempts", "email_error", "email_failed_at"]
    fields = list_display
    list_filter = ["email_wanted"]
    list_select_related = ["user"]


@admin.register(TaskFailure)
class TaskFailureAdmin(ReadOnlyAdmin):
    """Background work that failed for good: an undeliverable email, a clinical flag nobody could be
    told about, a task that kept failing. Ids and error classes only (docs/clinical-safety.md, H1, H7)."""

    list_display = ["failed_at", "task_name", "args", "error"]
    list_filter = ["task_name"]
    date_hierarchy = "failed_at"


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    """SCIM tokens are made with `manage.py scim_token ORG_SLUG` (shown once); here they are listed
    and revoked, never read back."""

    list_display = ("prefix", "organisation", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organisation",)
    fields = ("prefix", "organisation", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit trail names the token

    def has_revoke_permission(self, request):
        return request.user.has_perm("portal.change_organisation")

    @admin.action(description=_("Revoke the selected SCIM tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        from portal.scim.tokens import scim_token_revoke

        for token in queryset:
            scim_token_revoke(token=token, by=request.user)
        self.message_user(request, _("Revoked."), messages.SUCCESS)
