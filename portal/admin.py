from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "team", "high_risk_role", "is_active"]
    list_filter = ["organisation", "is_officer", "is_supervisor", "is_trainer", "is_oh", "is_staff", "is_active"]
    list_select_related = ["organisation", "team__unit"]
    filter_horizontal = ["granted_organisations", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Where they work"), {"fields": ["organisation", "team", "high_risk_role", "granted_organisations"]}),
        (_("Roles"), {"fields": ["is_officer", "is_supervisor", "is_trainer", "is_oh", "is_staff", "is_active"]}),
        (_("Employment"), {"fields": ["employment_ended_on"]}),
        (_("Django permissions"), {"classes": ["collapse"], "fields": ["is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "subject", "object_type", "object_id", "reason", "ip_address"]
    list_filter = ["action"]
    search_fields = ["object_id", "reason"]
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
