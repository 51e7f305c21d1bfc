from django.urls import path

from wellbeing.oh import views as oh_views

app_name = "oh"
urlpatterns = [
    path("", oh_views.index, name="index"),
    path("people/", oh_views.people, name="people"),
    path("people/<int:pk>/", oh_views.case, name="case"),
    path("people/<int:pk>/referrals/", oh_views.referral_add, name="referral-add"),
    path("people/<int:pk>/referrals/<int:referral_pk>/outcome/", oh_views.referral_outcome, name="referral-outcome"),
    path("people/<int:pk>/notes/", oh_views.note_add, name="note-add"),
    path("people/<int:pk>/flags/<int:flag_pk>/acknowledge/", oh_views.flag_acknowledge, name="flag-acknowledge"),
    path("people/<int:pk>/flags/<int:flag_pk>/close/", oh_views.flag_close, name="flag-close"),
    path("people/<int:pk>/holds/", oh_views.hold_place, name="hold-place"),
    path("people/<int:pk>/holds/<int:hold_pk>/lift/", oh_views.hold_lift, name="hold-lift"),
    path("people/<int:pk>/subject-access-export/", oh_views.subject_access_export, name="subject-access-export"),
    path("reports/", oh_views.reports, name="reports"),
    path("reports/export/", oh_views.report_export, name="report-export"),
    path("audit/", oh_views.audit_log, name="audit"),
]
