from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from portal import audit, catalogue, record_audit, signals  # noqa: F401 - connects the sign-in audit receivers

        record_audit.connect()
        request_started.connect(catalogue.request_began, dispatch_uid="portal-catalogue-request-began")
        request_finished.connect(catalogue.request_ended, dispatch_uid="portal-catalogue-request-ended")
        audit.connect_celery()
        from celery.signals import before_task_publish, task_failure

        from portal import heartbeats, metrics

        before_task_publish.connect(heartbeats.beat_published_receiver, dispatch_uid="portal-beat-heartbeat",
                                    weak=False)
        task_failure.connect(metrics.task_failure_receiver, dispatch_uid="portal-task-failure-count", weak=False)
        metrics.register()


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "portal.admin_site.PortalAdminSite"
