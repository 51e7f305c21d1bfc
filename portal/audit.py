"""Recording audit events: the one way to write one. Callers pass ids and codes, never answers or
free text.

    audit.record("team_exported", detail={"team": team.pk, "people": 12})
    audit.record("oh_note_added", actor=by, subject=person, obj=note, reason=purpose)
    audit.record_many("flag_raised", flags, subject="officer_id", detail=lambda f: {...}, actor=audit.SYSTEM)

Who and from where come from the audit context, never from the caller: `AuditContextMiddleware`
sets it for each request (its signed-in user, read when the event is written, and its address) and
clears it after the response. Outside a request (a Celery task, a management command) there is no
context: events have no actor and no address, unless the code runs inside `acting_as(user)`.

`actor=` is for the few callers whose actor is not the signed-in user: a service told who acts
(`by`), the sign-in and invitation pages (the person is not signed in yet), and `SYSTEM` for what
the portal does by itself (raising and escalating flags, the sweeps), which has neither an actor
nor an address even when a person's request set it off."""

from __future__ import annotations

import contextvars
import operator
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from portal.models import AuditEvent


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"audit.{self.name}"


FROM_CONTEXT = _Marker("FROM_CONTEXT")  # the default: the context's actor
SYSTEM = _Marker("SYSTEM")  # done by the portal itself: no actor, no address


@dataclass(frozen=True)
class _Context:
    request: object = None
    actor: object = None  # an explicit actor (acting_as); otherwise the request's signed-in user


_context: contextvars.ContextVar[_Context | None] = contextvars.ContextVar("audit_context", default=None)


def client_address(request) -> str | None:
    """The client's address, the one reader of it (audit events, rate limits, the health check's
    monitoring networks): REMOTE_ADDR only. X-Forwarded-For is the client's to forge; what the
    portal trusts from its TLS proxy is X-Forwarded-Proto alone (BEHIND_TLS_PROXY)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@contextmanager
def in_request(request):
    """Audit events written inside are the request's: its signed-in user, its address."""
    token = _context.set(_Context(request=request))
    try:
        yield
    finally:
        _context.reset(token)


@contextmanager
def acting_as(actor):
    """Audit events written inside (outside any request: a command, a task) have `actor` as their
    actor and no address."""
    token = _context.set(_Context(actor=actor))
    try:
        yield
    finally:
        _context.reset(token)


class AuditContextMiddleware:
    """Sets the audit context for each request, and clears it once the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with in_request(request):
            return self.get_response(request)


def current_actor_and_address():
    """(actor, address) of the events written now: (None, None) outside any context."""
    context = _context.get()
    if context is None:
        return None, None
    if context.actor is not None:
        return context.actor, client_address(context.request)
    user = getattr(context.request, "user", None)
    return (user if user is not None and user.is_authenticated else None), client_address(context.request)


def _who(actor):
    if actor is SYSTEM or actor is None:
        return None, None
    current, address = current_actor_and_address()
    return (current if actor is FROM_CONTEXT else actor), address


def _subject_id(subject):
    if subject is None or isinstance(subject, int):
        return subject
    return subject.pk


def _event(action, who, *, subject=None, obj=None, reason="", detail=None) -> AuditEvent:
    actor, address = who
    return AuditEvent(
        action=action,
        actor=actor,
        subject_id=_subject_id(subject),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and not isinstance(obj, type) else "",
        reason=reason[:200],
        ip_address=address,
        detail=detail or {},
    )


def record(action: str, *, subject=None, obj=None, reason: str = "", detail: dict | None = None,
           actor=FROM_CONTEXT) -> AuditEvent:
    """Append one audit event: `action` (a code), whom it is about (`subject`: a user or their id),
    the record acted on (`obj`: its model and id; a model class: the model only, for an event about
    many of its records), a reason code, a detail of ids and codes. `actor` defaults to the
    context's; see the module's docstring for when to pass one."""
    event = _event(action, _who(actor), subject=subject, obj=obj, reason=reason, detail=detail)
    event.save()
    return event


def record_many(action: str | Callable[[Any], str], objs: Iterable, *, subject: str | None = None,
                detail: Callable[[Any], dict] | None = None, actor=FROM_CONTEXT) -> list[AuditEvent]:
    """One event per object of `objs` (saved rows: bulk_create sends no signals), in one insert.
    `action` is the events' action, or a function of the object (rows of several models);
    `subject` is the path from an object to the id of the person it is about ("officer_id"),
    `detail` a function of the object."""
    who = _who(actor)
    subject_of = operator.attrgetter(subject) if subject else (lambda _obj: None)
    action_of = action if callable(action) else (lambda _obj: action)
    events = [_event(action_of(obj), who, subject=subject_of(obj), obj=obj, detail=detail(obj) if detail else None)
              for obj in objs]
    return AuditEvent.objects.bulk_create(events)


def list_viewed(*, page: str, rows: int, **codes) -> AuditEvent:
    """One content-free event for one render of a list of other people's data (a dashboard, an
    inbox, a queue, the audit log): which page, its filters as ids and codes (never a name or a
    typed search), and how many rows it showed."""
    detail = {"page": page, "rows": rows}
    detail.update({k: v for k, v in codes.items() if v not in (None, "", False)})
    return record("list_viewed", detail=detail)


def celery_task_started(task_id=None, **_kwargs) -> None:
    """A Celery task runs without a request: in a worker there is no context anyway; in eager mode
    (development, tests) the surrounding request's is set aside until the task ends."""
    _task_tokens[task_id] = _context.set(None)


def celery_task_ended(task_id=None, **_kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # ended in another context than it started (a green-thread pool)
            _context.set(None)


_task_tokens: dict = {}


def connect_celery() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(celery_task_started, dispatch_uid="audit-task-prerun", weak=False)
    task_postrun.connect(celery_task_ended, dispatch_uid="audit-task-postrun", weak=False)
