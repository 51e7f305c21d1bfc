"""/trim/: one namespace, its routes kept by the part of the process they serve."""

from wellbeing.trim import coord_urls, open_urls, report_urls

app_name = "trim"
urlpatterns = open_urls.urlpatterns + coord_urls.urlpatterns + report_urls.urlpatterns
