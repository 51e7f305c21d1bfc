from django.contrib import admin

from wellbeing.models import Flag, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "created_by", "note"]
    readonly_fields = ["version", "created_at", "created_by"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Flags carry reason codes and dates only, never answers."""

    list_display = ["officer", "reason_code", "kind", "urgent", "status", "raised_at", "acknowledge_by"]
    list_filter = ["status", "kind", "urgent"]
    list_select_related = ["officer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
