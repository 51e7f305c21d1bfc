from django.urls import path

from portal.hr_admin import views

app_name = "hr_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.csv", views.template_file, {"fmt": "csv"}, name="template_csv"),
    path("template.xlsx", views.template_file, {"fmt": "xlsx"}, name="template_xlsx"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/done/", views.done, name="done"),
]
