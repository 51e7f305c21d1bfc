"""The coordinator's and practitioners' casework: the queue, planning, assigning, assessments."""

from django.urls import path

from wellbeing.trim import coord_views

urlpatterns = [
    path("", coord_views.index, name="index"),
    path("incidents/<int:pk>/", coord_views.incident, name="incident"),
    path("cases/<int:pk>/", coord_views.case, name="case"),
    path("cases/<int:pk>/assign/", coord_views.assign, name="case-assign"),
    path("cases/<int:pk>/assessments/<str:stage>/", coord_views.assessment, name="assessment"),
    path("cases/<int:pk>/close/", coord_views.close, name="case-close"),
]
