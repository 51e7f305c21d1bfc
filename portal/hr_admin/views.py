"""The HR import page: upload -> preview -> confirm -> result. Admins only (the admin area, which
two-factor sign-in guards), and only those the admin lets add and change people."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal import access, audit, exports
from portal.hr_admin import columns
from portal.hr_admin.forms import ConfirmForm, UploadForm, max_bytes
from portal.hr_admin.preview import ERRORS_SHOWN, capped, count_rows, plan_digest, sections
from portal.hr_admin.reading import file_problems, page_max_rows, plan_upload, read
from portal.hr_admin.uploads import upload_claim, upload_get_or_404, upload_mark_applied, upload_store

log = logging.getLogger(__name__)
PERMISSIONS = ("portal.add_user", "portal.change_user")


def _may_import(user) -> None:
    # The import creates people and gives roles (admin among them): only an admin the Django admin
    # lets add and change people may run it, not every member of staff.
    if not user.has_perms(PERMISSIONS):
        raise PermissionDenied(_("Importing people needs the permission to add and change people."))


@require_http_methods(["GET", "POST"])
@access.area_required("admin")
def upload(request):
    _may_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        received = form.cleaned_data["file"]
        data = received.read()
        result = read(data, received.name)
        problems = file_problems(result)
        if problems:
            for problem in problems:
                form.add_error("file", problem)
            audit.record("hr_import_rejected", detail={"bytes": len(data), "problems": len(problems)})
        else:
            stored = upload_store(data=data, filename=received.name, organisation=form.cleaned_data["organisation"],
                                  full=form.cleaned_data["full"], by=request.user)
            audit.record("hr_import_uploaded", obj=stored, detail={
                "sha256": stored.sha256, "bytes": len(data), "rows": len(result.records),
                "full": stored.full, "organisation": stored.organisation_id})
            return redirect("hr_import:preview", pk=stored.pk)
    return render(request, "portal/hr_import/upload.html", {
        "form": form, "columns": columns.COLUMNS, "max_bytes": max_bytes(), "max_rows": page_max_rows()})


@require_http_methods(["GET", "POST"])
@access.area_required("admin")
def preview(request, pk):
    _may_import(request.user)
    upload = upload_get_or_404(request.user, pk)
    if upload.applied_at is not None:
        return redirect("hr_import:done", pk=upload.pk)
    plan, errors = plan_upload(upload, by=request.user)
    digest = plan_digest(plan)
    missing_ids = [person.pk for person in plan.missing]
    form = ConfirmForm(request.POST or None, missing_ids=missing_ids, initial={"digest": digest})
    if request.method == "POST" and not errors and form.is_valid():
        if form.cleaned_data["digest"] != digest:
            messages.warning(request, _("Something changed in the portal since your preview, so the file would now "
                                        "do something else. Nothing was applied: check this new preview and apply "
                                        "it again."))
            audit.record("hr_import_plan_changed", obj=upload, detail={"sha256": upload.sha256})
            form = ConfirmForm(missing_ids=missing_ids, initial={"digest": digest})
        elif not _refuse_deactivations(form, plan, request.user):
            applied = _apply(request, upload, plan, form.chosen())
            if applied:
                return redirect("hr_import:done", pk=upload.pk)
    return render(request, "portal/hr_import/preview.html", {
        "upload": upload, "form": form, "counts": count_rows(plan.counts()), "is_empty": plan.is_empty,
        "errors": capped(errors, ERRORS_SHOWN), "ticked": {str(v) for v in form["deactivate"].value() or ()},
        **sections(plan)})


def _refuse_deactivations(form, plan, by) -> bool:
    """The people ticked "not in this file" include the admin importing, or every active admin of an
    organisation: say so on the form (True) rather than apply."""
    from portal.hr.guards import admin_problems

    problems = admin_problems(plan, by=by, deactivate=form.chosen())
    for problem in problems:
        form.add_error("deactivate", str(problem))
    return bool(problems)


def _apply(request, upload, plan, deactivate) -> bool:
    """Apply the plan and clear the file, all in one transaction with the upload's claim (so a
    second confirmation of the same upload applies nothing). True: the upload is applied now."""
    from portal.hr import PlanHasErrors, PlanOutdated, apply_plan

    try:
        with transaction.atomic():
            if not upload_claim(upload):
                return True  # applied by another request meanwhile: its result page shows what it did
            # apply_plan writes the audit event (who, the file's SHA-256, the counts) in this transaction.
            counts = apply_plan(plan, by=request.user, deactivate_missing=deactivate)
            upload_mark_applied(upload, counts=counts)
    except (PlanOutdated, PlanHasErrors, DatabaseError) as exc:
        # A clash with a person created meanwhile (a staff number or username the plan meant to
        # use), a guard that holds no more (portal.hr.guards), or the database: all of it was rolled
        # back. Only the kind goes to the log and the audit trail (a message could quote a person).
        upload.applied_at = None
        log.warning("HR import %s not applied: %s", upload.pk, type(exc).__name__)
        audit.record("hr_import_failed", obj=upload, detail={"sha256": upload.sha256, "reason": type(exc).__name__})
        messages.error(request, str(exc) if isinstance(exc, PlanOutdated | PlanHasErrors) else _(
            "The import could not be applied and nothing was changed: something changed in the portal meanwhile. "
            "Check this new preview and try again."))
        return False
    return True


@access.area_required("admin")
def done(request, pk):
    _may_import(request.user)
    upload = upload_get_or_404(request.user, pk)
    if upload.applied_at is None:
        return redirect("hr_import:preview", pk=upload.pk)
    return render(request, "portal/hr_import/done.html", {"upload": upload, "counts": count_rows(upload.result)})


@access.area_required("admin")
def template_file(request, fmt):
    _may_import(request.user)
    rows = [columns.EXAMPLE]
    if fmt == "csv":
        response = HttpResponse(exports.csv_bytes(columns.header(), rows), content_type=exports.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="hr-import-template.csv"'
        return response
    return exports.xlsx_response("hr-import-template.xlsx", columns.header(), rows, title="People")
