from django.shortcuts import render

from portal.access import area_required


@area_required("training")
def index(request):
    return render(request, "training/index.html")


@area_required("training_manage")
def manage(request):
    return render(request, "training/manage.html")
