"""Recording audit events. Callers pass ids and codes, never answers or free text."""

from __future__ import annotations

from portal.models import AuditEvent


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def audit_record(
    *,
    action: str,
    actor=None,
    request=None,
    subject=None,
    obj=None,
    reason: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `actor` defaults to the request's user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject=subject,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason[:200],
        ip_address=client_ip(request),
        detail=detail or {},
    )


def audit_list_view(request, *, page: str, rows: int, **codes) -> AuditEvent:
    """One content-free event for one render of a list of other people's data (a dashboard, an
    inbox, a queue, the audit log): which page, its filters as ids and codes (never a name or a
    typed search), and how many rows it showed."""
    detail = {"page": page, "rows": rows}
    detail.update({k: v for k, v in codes.items() if v not in (None, "", False)})
    return audit_record(action="list_viewed", request=request, detail=detail)
