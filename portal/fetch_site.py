"""Audited reads that another site cannot trigger.

Opening someone's record writes "viewed your record" to the audit log, which the person reads on
their privacy page. A page on another site could make a signed-in supervisor's or OH member's
browser load such a URL (a link, an image, a hidden frame) and so forge that entry. Browsers say
where a request came from in `Sec-Fetch-Site`: only `same-origin` (a link or form in the portal)
and `none` (typed, bookmarked, opened from an email) may open a record. `same-site` is refused too:
another application on a sibling host is still not the portal. Browsers too old to send the header
are let through (SameSite=Lax cookies already keep most cross-site loads from being signed in).
"""

from __future__ import annotations

import logging
from functools import wraps

from django.shortcuts import render

from portal import audit

logger = logging.getLogger("portal.security")

ALLOWED_FETCH_SITES = {"same-origin", "none"}


def from_elsewhere(request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    return site is not None and site.lower() not in ALLOWED_FETCH_SITES


def same_origin_reads(view):
    """View decorator: refuse (403, with a page saying how to open the record) a request another
    site started. Audited as `cross_site_refused`, with the path only; nothing of the record is
    read or recorded as viewed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if from_elsewhere(request):
            path = request.path[:200]
            site = request.headers["Sec-Fetch-Site"].lower()
            audit.record("cross_site_refused", reason=path,
                         detail={"sec_fetch_site": site if site in ("cross-site", "same-site") else "other"})
            logger.warning("cross-site read refused path=%r", path)
            return render(request, "portal/403_cross_site.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
