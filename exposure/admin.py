"""Admin for what a force adapts without code: high-risk roles, exposure categories, intensity
rubrics and the viewing policy. Shifts and exposures are health data and are not browsable here (OH
reads them through its own audited pages)."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from exposure.models import ExposureCategory, IntensityRubric, ShiftLog, ViewingPolicy
from portal import roles
from portal.roles import FIELD_KINDS, Role


def _role_choices():
    return [("", "---------"), *((r.code, r.display_name) for r in Role.objects.order_by("order", "name"))]


class RoleListFilter(admin.SimpleListFilter):
    """Filter by role, listing the Role table (the column itself has no fixed choices)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return _role_choices()[1:]

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


class RoleForm(forms.ModelForm):
    field_kinds = forms.MultipleChoiceField(
        label=_("What the shift form asks"), choices=FIELD_KINDS, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The shipped roles keep their own forms. For a role you add, the form asks these, "
                    "with an intensity rating (1-5)."))
    new_categories = forms.CharField(
        label=_("Add exposure categories"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One category per line, for example “Fatal collision”. Edit them afterwards under "
                    "Exposure categories (Welsh names, default intensity, order)."))

    class Meta:
        model = Role
        fields = ["code", "name", "name_cy", "organisation", "field_kinds", "questionnaire_every_days",
                  "default_minutes", "defined_task_factor", "critical_incident_factor", "mitigation_step",
                  "mitigation_floor", "active", "order"]

    def new_category_names(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data.get("new_categories", "").splitlines()]
        return [name[:120] for name in names if name]


WEIGHTS = ["default_minutes", "defined_task_factor", "critical_incident_factor", "mitigation_step",
           "mitigation_floor"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    form = RoleForm
    list_display = ["name", "code", "organisation", "active", "order"]
    list_filter = ["active", "organisation"]
    search_fields = ["name", "name_cy", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_cy", "organisation", "active", "order"]}),
        (_("Shift form"), {"fields": ["field_kinds", "categories", "new_categories"]}),
        (_("Check-ins"), {"fields": ["questionnaire_every_days"]}),
        (_("Dose weights (for occupational health to review)"), {"fields": [
            "default_minutes", "defined_task_factor", "critical_incident_factor", "mitigation_step",
            "mitigation_floor"]}),
    ]

    @admin.display(description=_("Exposure categories"))
    def categories(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        rows = ExposureCategory.objects.filter(role=obj.code).order_by("order", "name")
        return format_html_join("", "<div>{}{}</div>", (
            (c.name, "" if c.active else _(" (not offered)")) for c in rows)) or "–"

    def get_readonly_fields(self, request, obj=None):
        fields = ["categories"]
        if obj is not None and obj.shipped:
            # Their forms are made by hand and their names come with their translations; their
            # weights are exposure/dose.py's constants, changed only by a reviewed commit with its
            # tests (hazard log, H5).
            fields += ["code", "name", "name_cy", "field_kinds", *WEIGHTS]
        elif obj is not None and ShiftLog.objects.filter(role=obj.code).exists():
            fields += ["code"]  # stored on every shift logged in it
        return fields

    def has_delete_permission(self, request, obj=None):
        # A shipped role, or one shifts were logged in, is kept: untick "active" instead.
        if obj is not None and (obj.shipped or ShiftLog.objects.filter(role=obj.code).exists()):
            return False
        return super().has_delete_permission(request, obj)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        taken = set(ExposureCategory.objects.filter(role=obj.code).values_list("code", flat=True))
        order = ExposureCategory.objects.filter(role=obj.code).count()
        for name in form.new_category_names():
            code = base = (slugify(name).replace("-", "_") or "category")[:50]
            n = 1
            while code in taken:
                n += 1
                code = f"{base}_{n}"
            taken.add(code)
            order += 1
            ExposureCategory.objects.create(role=obj.code, code=code, name=name, order=order * 10)


class RoleFieldForm(forms.ModelForm):
    """`role` chosen from the Role table."""

    role = forms.ChoiceField(label=_("role"), choices=_role_choices)


class ExposureCategoryForm(RoleFieldForm):
    class Meta:
        model = ExposureCategory
        fields = ["role", "code", "name", "name_cy", "description", "default_intensity", "active", "order"]


class IntensityRubricForm(RoleFieldForm):
    class Meta:
        model = IntensityRubric
        fields = ["role", "level", "description", "description_cy"]


@admin.register(ExposureCategory)
class ExposureCategoryAdmin(admin.ModelAdmin):
    form = ExposureCategoryForm
    list_display = ["name", "name_cy", "role_name", "code", "default_intensity", "active", "order"]
    list_filter = [RoleListFilter, "active"]
    list_editable = ["default_intensity", "active", "order"]
    search_fields = ["name", "name_cy", "code"]

    @admin.display(description=_("role"), ordering="role")
    def role_name(self, obj):
        return roles.label(obj.role)

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
    form = IntensityRubricForm
    list_display = ["role_name", "level", "description", "description_cy"]
    list_filter = [RoleListFilter]
    ordering = ["role", "level"]

    @admin.display(description=_("role"), ordering="role")
    def role_name(self, obj):
        return roles.label(obj.role)


@admin.register(ViewingPolicy)
class ViewingPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "daily_limit_minutes", "view_minutes", "break_minutes"]
