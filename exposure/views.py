from django.shortcuts import render

from portal.access import area_required


@area_required("exposure")
def index(request):
    return render(request, "exposure/index.html")
