"""Admin for what a force adapts without code: exposure categories, intensity rubrics and the
viewing policy. Shifts and exposures are health data and are not browsable here (OH reads them
through its own audited pages)."""

from django.contrib import admin

from exposure.models import ExposureCategory, IntensityRubric, ViewingPolicy


@admin.register(ExposureCategory)
class ExposureCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_cy", "role", "code", "default_intensity", "active", "order"]
    list_filter = ["role", "active"]
    list_editable = ["default_intensity", "active", "order"]
    search_fields = ["name", "name_cy", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Stored exposures and the forms refer to a category by role and code: fixed once in use.
        if obj is not None and obj.exposures.exists():
            return ["role", "code"]
        return []

    def has_delete_permission(self, request, obj=None):
        # A category in use is kept (exposures point at it); untick "offered on the form" instead.
        if obj is not None and obj.exposures.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(IntensityRubric)
class IntensityRubricAdmin(admin.ModelAdmin):
    list_display = ["role", "level", "description", "description_cy"]
    list_filter = ["role"]
    ordering = ["role", "level"]


@admin.register(ViewingPolicy)
class ViewingPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "daily_limit_minutes", "view_minutes", "break_minutes"]
