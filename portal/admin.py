from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.admin_guard import audit_role_change, audit_team_supervisors, role_snapshot
from portal.dates import BoundedDateField
from portal.models import AuditEvent, Notification, Organisation, TaskFailure, Team, Unit, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "nation"]
    list_filter = ["kind", "nation"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
    list_filter = ["organisation", "is_officer", "is_supervisor", "is_trainer", "is_oh", "is_staff", "is_active"]
    list_select_related = ["organisation", "team__unit"]
    filter_horizontal = ["granted_organisations", "groups", "user_permissions"]
    # employment_ended_on drives retention arithmetic: 0001-01-01 would overflow it later.
    formfield_overrides = {models.DateField: {"form_class": BoundedDateField}}
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Where they work"), {"fields": ["organisation", "team", "high_risk_role", "granted_organisations"]}),
        (_("Roles"), {"fields": ["is_officer", "is_supervisor", "is_trainer", "is_oh", "is_staff", "is_active"]}),
        (_("Employment"), {"fields": ["employment_ended_on"]}),
        (_("Django permissions"), {"classes": ["collapse"], "fields": ["is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

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
