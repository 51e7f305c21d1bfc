from django.shortcuts import render

from portal.access import area_required


@area_required("wellbeing")
def index(request):
    return render(request, "wellbeing/index.html")


@area_required("team")
def team_index(request):
    return render(request, "wellbeing/team_index.html")


@area_required("oh")
def oh_index(request):
    return render(request, "wellbeing/oh_index.html")
