"""Where an uploaded HR file waits between its preview and the admin's confirmation: a private row
(`portal.models.HRImportUpload`), never the session or a URL. Its bytes are cleared once applied,
an admin's next upload replaces their earlier one not applied, and every upload older than
`KEEP_FOR` is deleted, at the next upload and by the daily retention sweep, so a file that was
previewed and never confirmed does not stay."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from portal.models import HRImportUpload

KEEP_FOR = timedelta(hours=24)


def upload_store(*, data: bytes, filename: str, organisation, full: bool, by) -> HRImportUpload:
    """Keep a new upload. An admin works on one file at a time: their earlier uploads not applied
    (a file with mistakes they are now uploading again, fixed) go now rather than in a day."""
    uploads_clear_old()
    HRImportUpload.objects.filter(uploaded_by=by, applied_at__isnull=True).delete()
    return HRImportUpload.objects.create(
        data=data, filename=filename[:200], sha256=hashlib.sha256(data).hexdigest(),
        organisation=organisation, full=full, uploaded_by=by)


def upload_get_or_404(user, pk) -> HRImportUpload:
    """The user's own upload, or 404: another admin's upload looks exactly like none."""
    try:
        return HRImportUpload.objects.select_related("organisation").get(pk=pk, uploaded_by=user)
    except (HRImportUpload.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def upload_claim(upload: HRImportUpload) -> bool:
    """Claim the upload for applying, inside the caller's transaction: False if another request
    (a double click, a second tab) has already applied it. On PostgreSQL the second request's
    UPDATE waits for the first one's transaction and then finds nothing to claim."""
    upload.applied_at = timezone.now()
    return HRImportUpload.objects.filter(pk=upload.pk, applied_at__isnull=True).update(
        applied_at=upload.applied_at) == 1


def upload_mark_applied(upload: HRImportUpload, *, counts: dict) -> None:
    """The file has done its work: its bytes go, the counts stay for the result page (until the
    row itself goes with the others of its age)."""
    upload.data = b""
    upload.applied_at = timezone.now()
    upload.result = {str(k): int(v) for k, v in counts.items()}
    upload.save(update_fields=["data", "applied_at", "result"])


def uploads_clear_old(*, now=None) -> int:
    """Delete every upload older than KEEP_FOR, applied or not. Returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = HRImportUpload.objects.filter(created_at__lt=cutoff).delete()
    return deleted
