"""Source markers in training text (pure, no database).

A claim in a lesson, in module.md or in a quiz explanation carries a marker `[src:key]` right after
it, and `key` names an entry of the module's sources.md:

    - [key] Author or organisation, *Title* (section or page, date). https://example.org/page
    > Note: a remark about the sources that is not itself a source.

Other lines (a trainer's free-form list, the format before keys) are kept as they are and shown
as Markdown. The attribution patterns below are sentences that credit a group or research with
something; the content test requires a marker in every such sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER_RE = re.compile(r"\[src:([a-z0-9-]+)\]")
ENTRY_RE = re.compile(r"^[-*]\s+\[([a-z0-9-]+)\]\s+(.+?)\s*$")
NOTE_RE = re.compile(r"^>\s*Note:\s*(.*?)\s*$", re.IGNORECASE)
URL_RE = re.compile(r"https?://\S+$")

# Sentences that attribute something to a group or to research (issue 18's contract, section 3). One
# narrowing: "people to describe" (an infinitive, as in "avoid pressing people to describe") is not one.
ATTRIBUTION_PATTERNS: tuple[str, ...] = (
    r"\b(officers|reviewers|call handlers|handlers|investigators|analysts|commanders|colleagues|people|staff"
    r"|many|most|some)\s+((?!to\b)\w+\s+)?(say|said|describe|described|report|reported|told|tell|find|found|feel"
    r"|felt)\b",
    r"\bresearch\s+(shows|showed|found|finds|suggests)\b",
    r"\b(studies|evidence|the research)\s+(show|shows|found|suggests)\b",
    r"\b(we|it is)\s+knows?n?\s+that\b",
    # "officers who have been both often say": a group, a who-clause, then the verb of saying
    r"\b(officers|reviewers|call handlers|handlers|investigators|analysts|commanders|colleagues|people|staff)"
    r"\s+who\b[^.;:]{0,80}?\b(say|says|said|describe|described|report|reported|tell|told)\b",
)
_ATTRIBUTION = [re.compile(p, re.IGNORECASE) for p in ATTRIBUTION_PATTERNS]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|#)\s)")


@dataclass(frozen=True)
class SourceEntry:
    key: str
    text: str
    url: str


@dataclass
class Sources:
    entries: dict[str, SourceEntry] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    other: str = ""  # lines in no known form, shown as Markdown


def parse_sources(text: str) -> Sources:
    """Read sources.md. A keyed entry's URL is its last word when that is an http(s) address.
    A repeated key keeps its first entry (the content test reports duplicates)."""
    result = Sources()
    other: list[str] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        entry, note = ENTRY_RE.match(line), NOTE_RE.match(line)
        if entry:
            key, rest = entry.groups()
            url_match = URL_RE.search(rest)
            url = url_match.group(0) if url_match else ""
            body = rest[: url_match.start()].rstrip() if url_match else rest
            result.entries.setdefault(key, SourceEntry(key=key, text=body, url=url))
        elif note:
            result.notes.append(note.group(1))
        else:
            other.append(raw)
    result.other = "\n".join(other).strip()
    return result


def source_keys_in_order(text: str) -> list[str]:
    """Every keyed entry's key, repeats included (so a test can find duplicates)."""
    return [m.group(1) for m in (ENTRY_RE.match(line.strip()) for line in (text or "").split("\n")) if m]


def markers(text: str) -> list[str]:
    return MARKER_RE.findall(text or "")


def strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text or "")


def sentences(text: str) -> list[str]:
    """Split prose into sentences, closely enough for the attribution check: at ., ! or ? followed
    by a space, at blank lines, and before list items and headings."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def is_attribution(sentence: str) -> bool:
    return any(p.search(sentence) for p in _ATTRIBUTION)


def unmarked_attributions(text: str) -> list[str]:
    """The sentences that attribute something to a group or to research without a marker."""
    return [s for s in sentences(text) if is_attribution(s) and not MARKER_RE.search(s)]


def word_count(text: str) -> int:
    """Words of prose with markers removed; Markdown symbols standing alone (#, -, *) are not words."""
    return sum(1 for token in strip_markers(text).split() if re.search(r"\w", token))
