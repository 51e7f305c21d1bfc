from django.contrib import admin

from training.models import AutoAssignmentRule, Module


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["slug", "status", "order", "current_version"]
    list_filter = ["status"]
    readonly_fields = ["current_version"]


@admin.register(AutoAssignmentRule)
class AutoAssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "trigger", "team", "high_risk_role", "module", "active"]
    list_filter = ["trigger", "active"]
