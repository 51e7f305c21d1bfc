from django.urls import path

from wellbeing.review import views

app_name = "lead"
urlpatterns = [
    path("", views.rules_report_page, name="index"),
    path("rules-report.csv", views.rules_report_export, name="rules-export"),
]
