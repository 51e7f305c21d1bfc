"""The coordinator's reports."""

from django.urls import path

from wellbeing.trim import report_views

urlpatterns = [
    path("reports/", report_views.reports, name="reports"),
    path("reports/export/", report_views.report_export, name="report-export"),
]
