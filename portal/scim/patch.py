"""SCIM request bodies as Microsoft Entra ID sends them, read into plain changes to a person:
{"given_name", "family_name", "email", "user_name", "external_id", "employee_number", "active"}.

Entra's quirks handled here: op names in any case ("Replace", "Add"); booleans as the strings
"True" and "False"; a PATCH operation with no path whose value is an object of attribute paths
({"active": false, "name.givenName": "Ana"}); a single value wrapped in a list ([{"value": "x"}]);
emails[type eq "work"].value as a path. Attributes the portal does not hold (title, addresses,
phone numbers ...) are ignored."""

from __future__ import annotations

import re

from django_scim.exceptions import BadRequestError

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user:"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"

_PATHS = {
    "username": "user_name",
    "externalid": "external_id",
    "active": "active",
    "name.givenname": "given_name",
    "name.familyname": "family_name",
    "emails": "emails",
    'emails[type eq "work"].value': "email",
    f"{ENTERPRISE_USER}:employeenumber": "employee_number",
}
_SPACES = re.compile(r"\s+")


def _path_key(path: str) -> str | None:
    path = _SPACES.sub(" ", path.strip()).lower()
    if path.startswith(CORE_USER):
        path = path[len(CORE_USER):]
    return _PATHS.get(path)


def _scalar(value):
    """A single value, unwrapped from Entra's [{"value": x}] form."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and "value" in value[0]:
        value = value[0]["value"]
    if isinstance(value, dict) and set(value) == {"value"}:
        value = value["value"]
    return value


def boolean(value) -> bool:
    value = _scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadRequestError('"active" must be true or false.', scim_type="invalidValue")


def _text(key: str, value) -> str:
    value = _scalar(value)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise BadRequestError(f'"{key}" must be a string.', scim_type="invalidValue")
    text = str(value).strip()
    if len(text) > 254:
        raise BadRequestError(f'"{key}" is too long.', scim_type="invalidValue")
    return text


def work_email(emails) -> str:
    """The work address of an emails list (else the primary one, else the first)."""
    if isinstance(emails, dict):
        emails = [emails]
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise BadRequestError('"emails" must be a list of objects.', scim_type="invalidValue")
    tests = (lambda e: str(e.get("type", "")).lower() == "work",
             lambda e: e.get("primary") in (True, "True", "true"), lambda e: True)
    for test in tests:
        for email in emails:
            if test(email):
                return _text("emails", email.get("value"))
    return ""


def _put(changes: dict, key: str, value) -> None:
    if key == "active":
        changes["active"] = boolean(value)
    elif key == "emails":
        changes["email"] = work_email(value)
    else:
        changes[key] = _text(key, value)


def _flatten(obj: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(path, value) pairs of a resource or a path-less PATCH value: nested objects become dotted
    paths ("name": {"givenName": x} -> "name.givenName"), the enterprise extension its URN paths."""
    pairs = []
    for key, value in obj.items():
        if not isinstance(key, str):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict) and (key == "name" or key.lower() == ENTERPRISE_USER):
            pairs.extend(_flatten(value, path + ("." if key == "name" else ":")))
        else:
            pairs.append((path, value))
    return pairs


def resource_changes(body: dict) -> dict:
    """The changes a whole User resource (POST or PUT) carries."""
    changes: dict = {}
    for path, value in _flatten(body):
        key = _path_key(path)
        if key is not None:
            _put(changes, key, value)
    return changes


def patch_changes(body: dict) -> dict:
    """The changes of a PatchOp body, applied in order (a later operation wins)."""
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise BadRequestError("A PATCH needs a list of Operations.", scim_type="invalidSyntax")
    changes: dict = {}
    for operation in operations:
        op, path, value = _operation(operation)
        if path is None:
            if not isinstance(value, dict):
                raise BadRequestError("An operation without a path needs an object value.", scim_type="noTarget")
            if op != "remove":
                changes.update(resource_changes(value))
            continue
        key = _path_key(path)
        if key is None:
            continue
        if op == "remove":
            if key == "active":
                raise BadRequestError('"active" cannot be removed.', scim_type="mutability")
            changes["email" if key == "emails" else key] = ""
        else:
            _put(changes, key, value)
    return changes


def _operation(operation) -> tuple[str, str | None, object]:
    if not isinstance(operation, dict):
        raise BadRequestError("Each operation must be an object.", scim_type="invalidSyntax")
    op = operation.get("op")
    op = op.lower() if isinstance(op, str) else op
    if op not in ("add", "replace", "remove"):
        raise BadRequestError("Each operation's op must be add, replace or remove.", scim_type="invalidSyntax")
    path = operation.get("path")
    if path is not None and not isinstance(path, str):
        raise BadRequestError("An operation's path must be a string.", scim_type="invalidPath")
    return op, (path or None), operation.get("value")


def member_ids(value) -> list[str]:
    """The member ids of a members value ([{"value": "12"}, ...])."""
    if isinstance(value, dict):
        value = [value]
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise BadRequestError('"members" must be a list of objects with a "value".', scim_type="invalidValue")
    return [str(m.get("value", "")).strip() for m in value]


_MEMBER_FILTER = re.compile(r'^members\s*\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.IGNORECASE)


def group_operations(body: dict) -> list[tuple[str, str, object]]:
    """(op, what, value) of a Group PatchOp: what is "members" (value: ids) or "displayName"
    (value: the new name) or "externalId". Removing one member by a filtered path
    (members[value eq "12"]) is read as removing ["12"]."""
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise BadRequestError("A PATCH needs a list of Operations.", scim_type="invalidSyntax")
    out = []
    for operation in operations:
        op, path, value = _operation(operation)
        pairs = [(path, value)] if path is not None else (
            list(value.items()) if isinstance(value, dict) else None)
        if pairs is None:
            raise BadRequestError("An operation without a path needs an object value.", scim_type="noTarget")
        for one_path, one_value in pairs:
            if not isinstance(one_path, str):
                continue
            matched = _MEMBER_FILTER.match(one_path.strip())
            lowered = one_path.strip().lower()
            if matched:
                out.append((op, "members", [matched.group(1)]))
            elif lowered == "members":
                out.append((op, "members", member_ids(one_value) if op != "remove" or one_value else None))
            elif lowered in ("displayname", "externalid"):
                out.append((op, "displayName" if lowered == "displayname" else "externalId",
                            _text(one_path, one_value)))
    return out
