"""Turn a support contact's free text ("116 123", "Text SHOUT to 85258", "111, then select the
mental health option") into tap-to-call (`tel:`) and tap-to-text (`sms:`) links. Pure, no ORM.

Hazard H10 in docs/clinical-safety.md: a crisis number that is plain text on a phone has to be read,
remembered and typed by someone in distress. Only UK numbers are linked:

- `0` and 10 or 11 digits in all (landlines, mobiles, 03 numbers), or 8 to 11 for 080 freephone
  numbers (Childline's 0800 1111 has 8);
- `+44` then 9 or 10 digits (kept in international form);
- three-digit service numbers 999, 112 and 1xx (111, 101, 105, 119);
- 116 xxx helplines (Samaritans 116 123);
- five- or six-digit text short codes (Shout 85258), only as `sms:` and only when the text says
  "text" or "SMS" (a short code cannot be called).

Anything else (an email address, "via your Federation rep", opening hours) stays plain text. The
text says "text"/"SMS" and not "call"/"phone" -> `sms:`, otherwise `tel:`. "Text WORD to NUMBER"
fills the message body with WORD. The SMS link has the form `sms:85258?&body=SHOUT`: RFC 5724's
`?body=` with an empty first parameter, which Android and iOS both read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

# A run of digits with single spaces or hyphens between them, optionally after "+"; a bracketed
# group of digits counts as digits ("(01632) 960001", "+44 (0)20 ...") but "(24 hours)" does not.
_NUMBER = re.compile(r"(?<![\w+])\+?(?:\(\d+\)|\d)(?:[ \-]?(?:\(\d+\)|\d))*(?!\w)")
_TEXT_WORD = re.compile(r"\b(text|sms)\b", re.I)
_CALL_WORD = re.compile(r"\b(call|phone|ring|telephone)\b", re.I)
_KEYWORD = re.compile(r"\b(?:text|sms)\s+[\"'‘“]?([A-Za-z0-9]+)[\"'’”]?\s+to\s*$", re.I)
_SERVICE = re.compile(r"^(999|112|1\d\d|116\d{3})$")


@dataclass(frozen=True)
class Part:
    """A piece of a contact's text: a link when `href` is set, plain text otherwise."""

    text: str
    href: str = ""
    kind: str = ""  # "tel", "sms" or ""


def _target(raw: str, before: str, context: str) -> tuple[str, str] | None:
    """(kind, href) for one number found in the text, or None if it is not a UK number we link.
    `before` is the text before the number, `context` the words that say how to use it."""
    digits = re.sub(r"\D", "", raw)
    international = raw.lstrip("(").startswith("+")
    texting = bool(_TEXT_WORD.search(context)) and not _CALL_WORD.search(context)
    if international:
        if digits.startswith("440"):  # "+44 (0)20 ...": the bracketed trunk 0 is not dialled
            digits = "44" + digits[3:]
        if not (digits.startswith("44") and len(digits) in (11, 12)) or digits[2] == "0":
            return None
        number = "+" + digits
    elif digits.startswith("0"):
        shortest = 8 if digits.startswith("080") else 10  # freephone 0800 1111 has 8 digits
        if digits.startswith("00") or not shortest <= len(digits) <= 11:
            return None
        number = digits
    elif _SERVICE.match(digits):
        number = digits
    elif len(digits) in (5, 6) and texting:
        number = digits  # a text short code
    else:
        return None
    if texting:
        keyword = _KEYWORD.search(before)
        body = f"?&body={quote(keyword.group(1))}" if keyword else ""
        return "sms", f"sms:{number}{body}"
    return "tel", f"tel:{number}"


def contact_parts(text: str) -> list[Part]:
    """The contact text as parts. One linkable number: the whole text is one link (the biggest
    target, and it reads naturally: "111, then select the mental health option"). Several: each
    number is its own link, told how to use it by the words just before it ("call 0800 ... or
    text 07700 ..."), and the words between stay text. None: one plain part."""
    text = str(text or "")
    candidates = [m for m in _NUMBER.finditer(text) if len(re.sub(r"\D", "", m.group())) >= 3]
    found, previous_end = [], 0
    for match in candidates:
        before = text[:match.start()]
        context = text if len(candidates) == 1 else text[previous_end:match.start()]
        previous_end = match.end()
        target = _target(match.group(), before, context)
        if target:
            found.append((match, *target))
    if not found:
        return [Part(text)] if text else []
    if len(found) == 1:
        _match, kind, href = found[0]
        return [Part(text, href, kind)]
    parts, position = [], 0
    for match, kind, href in found:
        if match.start() > position:
            parts.append(Part(text[position:match.start()]))
        parts.append(Part(match.group(), href, kind))
        position = match.end()
    if position < len(text):
        parts.append(Part(text[position:]))
    return parts
