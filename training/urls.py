from django.urls import path

from training import manage_views, views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.module_detail, name="module"),
    path("<int:pk>/lessons/<int:order>/", views.lesson, name="lesson"),
    path("<int:pk>/check/", views.quiz, name="quiz"),
    path("completions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("certificates/<uuid:code>/", views.certificate, name="certificate"),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/modules/new/", manage_views.module_new, name="module_new"),
    path("manage/modules/<int:pk>/", manage_views.module_edit, name="module_edit"),
    path("manage/modules/<int:pk>/copy/", manage_views.module_copy, name="module_copy"),
    path("manage/modules/<int:pk>/status/", manage_views.module_status, name="module_status"),
    path("manage/modules/<int:pk>/lessons/new/", manage_views.lesson_edit, name="lesson_new"),
    path("manage/modules/<int:pk>/lessons/<int:order>/", manage_views.lesson_edit, name="lesson_edit"),
    path("manage/modules/<int:pk>/lessons/<int:order>/delete/", manage_views.lesson_delete, name="lesson_delete"),
    path("manage/modules/<int:pk>/check/", manage_views.quiz_edit, name="quiz_edit"),
    path("manage/assign/", manage_views.assign, name="assign"),
    path("manage/rules/", manage_views.rules, name="rules"),
    path("manage/rules/<int:pk>/toggle/", manage_views.rule_toggle, name="rule_toggle"),
    path("manage/enrol/", manage_views.enrol, name="enrol"),
    path("manage/people/", manage_views.people, name="people"),
    path("manage/people/<int:pk>/", manage_views.person, name="person"),
    path("manage/reports/", manage_views.reports, name="reports"),
    path("manage/reports/<str:report>.<str:fmt>", manage_views.export, name="export"),
]
