import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import access, audit

logger = logging.getLogger(__name__)


@login_required
def home(request):
    return redirect(access.start_url(request.user))


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down"; the detail goes to the log, not the client
        logger.exception("healthz: database check failed")
        return "down"
    return "ok"


def _broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from celery import current_app as app  # the project's app (config/celery.py), without importing it

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises many transport-specific errors; all mean unreachable
        logger.warning("healthz: broker unreachable")
        return "down"
    return "ok"


def _may_see_health_detail(request) -> bool:
    """Is the caller on a monitoring network (HEALTHZ_ALLOWED_NETWORKS)? By the one address reader
    (REMOTE_ADDR only: a forwarded-for header is the client's to forge)."""
    try:
        address = ipaddress.ip_address(audit.client_address(request) or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.HEALTHZ_ALLOWED_NETWORKS)


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: 200 when the database answers, 503 when it does not. A broker
    outage is reported but is not fatal: saves succeed and the sweep catches up. Which parts are
    up is told only to the monitoring networks; anyone else learns only the status."""
    database = _database_state()
    healthy = database == "ok"
    body = {"status": "ok" if healthy else "error"}
    if _may_see_health_detail(request):
        body.update(database=database, broker=_broker_state())
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


@require_POST
@login_required
def notifications_mark_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")


def accessibility(request):
    return render(request, "portal/accessibility.html")
