"""Gunicorn's access log without secrets in URLs (bin/web passes `--logger-class` with this).

A password-reset link (/accounts/reset/<uid>/<token>/) and an invitation link (/…/invite/<token>/)
are bearer tokens: whoever reads them in a log could use them before their owner does. Query
strings may carry anything a form sent by GET. So every URL the access log could print (the
request line, the path, the query string, the referer, and the same values read from the WSGI
environ or the request headers) goes through `redact_url` first: tokens become a placeholder and
the query string is dropped. Method, status, size, timing and the user agent are kept.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

PLACEHOLDER = "[redacted]"
_TOKEN_PATHS = (
    # /accounts/reset/<uidb64>/<token>/ (and Django's /accounts/reset/<uidb64>/set-password/)
    (re.compile(r"(/accounts/reset/)[^/?#\s]+/[^/?#\s]+"), rf"\1{PLACEHOLDER}/{PLACEHOLDER}"),
    # any invitation link: /invite/<token>, /training/invitation/<uid>/<token>/...: the two segments
    # after it are redacted, so a token after a user id is covered too
    (re.compile(r"(/invit(?:e|es|ation|ations)/)[^/?#\s]+(?:/[^/?#\s]+)?", re.IGNORECASE),
     rf"\1{PLACEHOLDER}"),
)


def redact_url(url: str | None) -> str | None:
    """`url` (a path, a path with a query, or an absolute URL) without its query string and with
    any reset or invitation token replaced by a placeholder."""
    if not url or url == "-":
        return url
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern, replacement in _TOKEN_PATHS:
        path = pattern.sub(replacement, path)
    return path


_URL_ATOMS = ("U", "f", "{raw_uri}e", "{path_info}e", "{request_uri}e", "{script_name}e", "{referer}i",
              "{http_referer}e")
_QUERY_ATOMS = ("q", "{query_string}e")


class RedactingLogger(Logger):
    """Gunicorn's logger with every URL-bearing atom passed through `redact_url`."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = "{} {} {}".format(environ.get("REQUEST_METHOD", "-"), redact_url(environ.get("RAW_URI", "")),
                                       environ.get("SERVER_PROTOCOL", "-"))
        for key in _URL_ATOMS:
            if key in atoms:
                atoms[key] = redact_url(atoms[key])
        for key in _QUERY_ATOMS:
            if key in atoms:
                atoms[key] = ""
        return atoms
