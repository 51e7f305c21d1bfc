"""How cases open and what the person sees: declare an incident, refer someone, the officer's own
cases (accept or decline an assessment)."""

from django.urls import path

from wellbeing.trim import open_views

urlpatterns = [
    path("declare/", open_views.declare, name="declare"),
    path("declare/<int:pk>/", open_views.declared, name="declared"),
    path("refer/", open_views.refer, name="refer"),
    path("mine/", open_views.mine, name="mine"),
    path("mine/refer/", open_views.refer_self, name="refer-self"),
    path("mine/<int:pk>/accept/", open_views.accept, name="accept"),
    path("mine/<int:pk>/decline/", open_views.decline, name="decline"),
]
