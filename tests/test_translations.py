"""The Welsh catalogue is complete, compiled and faithful, and templates leave no text unmarked.

Welsh Language Standards compliance notices cover services to staff in the four Welsh forces, so
an English string left in the Welsh interface is a defect, not a cosmetic issue. These tests read
the committed .po and .mo files with a small parser of their own (no gettext needed to run them).
"""

import ast
import gettext
import io
import re
import tokenize
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
WELSH = LOCALE / "cy" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]


# A minimal .po reader ---------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:
                finish()  # a comment after strings starts the next entry
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.groups()
            if keyword in ("msgctxt", "msgid") and entry is not None and target is not None and target[0] != "msgctxt":
                finish()
            entry = entry or Entry(line=number)
            if keyword.startswith("msgstr["):
                target = ("msgstr_plural", int(index))
                entry.msgstr_plural[int(index)] = ""
            else:
                target = (keyword, None)
                setattr(entry, keyword, "")
            _append(entry, target, _unquote(value))
        elif line.startswith('"') and entry is not None and target is not None:
            _append(entry, target, _unquote(line))
        else:
            raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr_plural":
        entry.msgstr_plural[index] += text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def header_fields(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.is_header)
    pairs = (line.split(":", 1) for line in header.msgstr.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def catalogues() -> list[Path]:
    return [WELSH / f"{domain}.po" for domain in DOMAINS if (WELSH / f"{domain}.po").exists()]


# Placeholders: %(name)s, %s, %d, %%, {name}, {{ name }} -----------------------------------------

_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\{\{\s*[\w.]+\s*\}\}|\{[\w.]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s+", "", p) for p in _PLACEHOLDER.findall(text))


# The catalogue itself ---------------------------------------------------------------------------


def test_the_welsh_django_catalogue_exists_and_has_entries():
    entries = read_po(WELSH / "django.po")
    assert len([e for e in entries if not e.is_header]) > 100


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.name)
def test_every_entry_in_the_welsh_catalogue_is_translated_and_none_is_fuzzy(po):
    problems = []
    for entry in read_po(po):
        if "fuzzy" in entry.flags:
            problems.append(f"{po.name}:{entry.line} fuzzy: {entry.msgid!r}")
        elif not entry.is_header and not all(text.strip() for text in entry.translations):
            problems.append(f"{po.name}:{entry.line} untranslated: {entry.msgid!r}")
    assert not problems, "Translate these (see docs/i18n.md):\n" + "\n".join(problems)


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.name)
def test_the_welsh_catalogue_declares_welsh_and_its_four_plural_forms(po):
    fields = header_fields(read_po(po))
    assert fields["Language"] == "cy"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    # The same rule as Django's own Welsh catalogue, so the two merge cleanly.
    assert fields["Plural-Forms"].startswith("nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3")


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.name)
def test_the_welsh_catalogue_has_each_message_once(po):
    keys = [e.key for e in read_po(po)]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.name)
def test_every_translation_keeps_the_placeholders_of_its_source(po):
    problems = []
    for entry in read_po(po):
        if entry.is_header:
            continue
        if entry.msgid_plural is None:
            if placeholders(entry.msgid) != placeholders(entry.msgstr):
                problems.append(f"{po.name}:{entry.line} {entry.msgid!r} -> {entry.msgstr!r}")
            continue
        # Plural forms may drop the number ("Un neges" for one), but must not invent placeholders.
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        for text in entry.translations:
            if not set(placeholders(text)) <= allowed:
                problems.append(f"{po.name}:{entry.line} {entry.msgid_plural!r} -> {text!r}")
    assert not problems, "Placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.name)
def test_the_committed_mo_file_is_compiled_from_the_committed_po(po):
    """Compares meaning, not bytes: GNU msgfmt and other compilers lay .mo files out differently."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run make messages"
    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    expected: dict = {}
    for entry in read_po(po):
        if "fuzzy" in entry.flags and not entry.is_header:
            continue
        if entry.msgid_plural is None:
            if entry.msgstr:
                expected[entry.key] = entry.msgstr
        elif all(entry.translations):
            for index, text in entry.msgstr_plural.items():
                expected[(entry.key, index)] = text
    # GNU msgfmt leaves the POT-Creation-Date out of the compiled header (reproducible builds).
    for catalogue in (compiled, expected):
        catalogue[""] = re.sub(r"^POT-Creation-Date:.*\n", "", catalogue.get("", ""), flags=re.M)
    assert compiled == expected, f"{mo.relative_to(ROOT)} is out of date: run make messages"


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.name)
def test_no_questionnaire_item_is_in_the_catalogue(po):
    """Clinical items are never translated through gettext: only an owner-validated translation may
    replace them (docs/i18n.md). No item, stem or safety question of a validated
    questionnaire may reach translators; our own interface text about them (instructions in our
    words, band names, plain-language meanings) may."""
    from wellbeing.instruments import INSTRUMENTS

    clinical = set()
    for instrument in INSTRUMENTS.values():
        if not instrument.validated:
            continue
        clinical |= {str(item.text) for item in instrument.items}
        # (response options are short common phrases that our own pulse may share, e.g. "Not at
        # all", so they are checked where they are defined: instruments/ never wraps them)
        clinical.add(str(instrument.stem))  # the published stem; `instructions` are our own words
        if instrument.safety_question is not None:
            clinical.add(str(instrument.safety_question.text))
    leaked = sorted(e.msgid for e in read_po(po) if e.msgid in clinical)
    assert not leaked


def test_the_po_reader_handles_context_plurals_flags_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: cy\\n"\n\n'
        '#: a.py\n#, fuzzy, python-format\nmsgctxt "menu"\nmsgid "Hello "\n"%(name)s"\nmsgstr "Helo %(name)s"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s diwrnod"\nmsgstr[1] "%(n)s ddiwrnod"\n'
        'msgstr[2] ""\nmsgstr[3] "%(n)s diwrnod"\n\n#~ msgid "old"\n#~ msgstr "hen"\n',
        encoding="utf-8",
    )
    header, first, second = read_po(po)
    assert header_fields([header]) == {"Language": "cy"}
    assert (first.msgctxt, first.msgid, first.msgstr) == ("menu", "Hello %(name)s", "Helo %(name)s")
    assert first.flags == {"fuzzy", "python-format"} and first.references == ["a.py"]
    assert second.translations == ["%(n)s diwrnod", "%(n)s ddiwrnod", "", "%(n)s diwrnod"]


def test_placeholders_are_found_in_python_and_template_styles():
    assert placeholders("Page %(n)s of %(total)s, 100%% {{ count }} {name} %d") == [
        "%%", "%(n)s", "%(total)s", "%d", "{name}", "{{count}}",
    ]


# The catalogue covers the source ------------------------------------------------------------------

# What `make messages` skips (see the Makefile), and the call signatures xgettext is told about.
SKIPPED_DIRS = {".venv", ".venv-load", ".git", "static", "staticfiles", "test-artifacts", "bench", "node_modules",
                "locale"}
SIGNATURES = {  # name -> which arguments are (context, singular, plural)
    **dict.fromkeys(["_", "gettext", "gettext_lazy", "gettext_noop"], (None, 0, None)),
    **dict.fromkeys(["ngettext", "ngettext_lazy"], (None, 0, 1)),
    **dict.fromkeys(["pgettext", "pgettext_lazy"], (0, 1, None)),
    **dict.fromkeys(["npgettext", "npgettext_lazy"], (0, 1, 2)),
}


def source_files() -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("*")
        if p.suffix in (".py", ".html", ".txt") and not SKIPPED_DIRS & set(p.relative_to(ROOT).parts[:-1])
    )


def _string_arguments(tokens: list, start: int) -> list[str | None]:
    """The arguments of the call opening at tokens[start] ("("): a string for each argument made
    only of string literals (adjacent literals joined), None for anything else."""
    arguments, parts, other, depth = [], [], False, 0
    for token in tokens[start + 1:]:
        if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            continue
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            if depth == 0:
                arguments.append("".join(parts) if parts and not other else None)
                return arguments
            depth -= 1
        if depth == 0 and token.type == tokenize.OP and token.string == ",":
            arguments.append("".join(parts) if parts and not other else None)
            parts, other = [], False
        elif depth == 0 and token.type == tokenize.STRING:
            parts.append(ast.literal_eval(token.string))
        else:
            other = True
    return arguments


def marked_strings(code: str) -> set[str]:
    """Catalogue keys (context\x04msgid) of the literal strings passed to gettext functions."""
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    found = set()
    for i, token in enumerate(tokens[:-1]):
        following = tokens[i + 1]
        previous = tokens[i - 1] if i else None
        if token.type != tokenize.NAME or token.string not in SIGNATURES:
            continue
        if following.string != "(" or (previous is not None and previous.string == "def"):
            continue
        context_at, singular_at, plural_at = SIGNATURES[token.string]
        arguments = _string_arguments(tokens, i + 1)
        for at in (singular_at, plural_at):
            if at is None or at >= len(arguments) or not arguments[at]:
                continue
            context = arguments[context_at] if context_at is not None and context_at < len(arguments) else None
            found.add(arguments[at] if context is None else f"{context}\x04{arguments[at]}")
    return found


def strings_in(path: Path) -> set[str]:
    from django.utils.translation.template import templatize

    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        # The same step makemessages takes. Its output keeps the template's indentation, which
        # means nothing there, and one call never spans lines, so the indentation can go.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    return marked_strings(text)


def test_every_marked_string_in_the_source_is_in_the_welsh_catalogue():
    """Catches a string marked for translation after the catalogue was last updated, which
    would otherwise reach Welsh readers in English with every other test passing."""
    entries = read_po(WELSH / "django.po")
    catalogue = {e.key for e in entries} | {
        e.msgid_plural if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid_plural}"
        for e in entries if e.msgid_plural is not None}
    missing = {
        f"{path.relative_to(ROOT)}: {key!r}"
        for path in source_files()
        for key in strings_in(path)
        if key not in catalogue and key.split("\x04")[-1] != ""
    }
    assert not missing, "Not in locale/cy/LC_MESSAGES/django.po; run make messages and translate:\n" + "\n".join(
        sorted(missing))


def test_the_source_scan_finds_python_and_template_strings():
    keys = set().union(*(strings_in(p) for p in source_files()))
    assert "My shifts" in keys  # portal/access.py and templates/exposure/index.html
    assert "Page %(n)s of %(total)s" in keys  # a blocktrans
    assert "zoom in up to 400%% without the text spilling off the screen" in keys  # % doubled as xgettext does


def test_the_source_scan_reads_every_gettext_form():
    code = (
        'a = _("One")\nb = gettext_lazy("Two " "joined")\nc = ngettext("%(n)s day", "%(n)s days", n)\n'
        'd = pgettext("menu", "Open")\ne = _(variable)\ndef gettext(x): pass\nf = x.gettext("Three")\n'
    )
    assert marked_strings(code) == {"One", "Two joined", "%(n)s day", "%(n)s days", "menu\x04Open", "Three"}


# Templates: no user-visible text outside {% trans %} / {% blocktrans %} -------------------------

TEMPLATE_DIRS = [ROOT / "templates", *sorted(p for p in ROOT.glob("*/templates") if p.parts[-2] != ".venv")]

# Text that must stay as it is in every language.
ALLOWED_WORDS = {
    "English",  # the language chooser names each language in itself
    "Cymraeg",
}
# Attributes a person reads or hears (screen readers announce aria-label, title and alt).
VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription",
                      "aria-valuetext", "aria-placeholder"}

_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|<!--.*?-->", re.S)
_BLOCKTRANS = re.compile(r"{%\s*(blocktrans|blocktranslate)\b.*?{%\s*end\1\s*%}", re.S)
_TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters in any alphabet


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and attributes.get("type") in ("submit", "button", "reset")
            )):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def untranslated_words(source: str) -> list[str]:
    """Words a person would see that no trans/blocktrans tag covers. A heuristic: template
    comments, blocktrans blocks, tags and variables are removed, the rest is read as HTML."""
    text = _COMMENT.sub(" ", source)
    text = _BLOCKTRANS.sub(" ", text)
    text = _TAG_OR_VARIABLE.sub(" ", text)
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    words = []
    for chunk in collector.found:
        words.extend(word for word in _WORD.findall(chunk) if word not in ALLOWED_WORDS)
    return words


def templates() -> list[Path]:
    return sorted(p for folder in TEMPLATE_DIRS for p in folder.rglob("*") if p.suffix in (".html", ".txt"))


def test_there_are_templates_to_check():
    assert len(templates()) > 10


def test_no_template_has_text_outside_a_translation_tag():
    problems = {}
    for path in templates():
        words = untranslated_words(path.read_text(encoding="utf-8"))
        if words:
            problems[str(path.relative_to(ROOT))] = words
    assert not problems, "Wrap this text in {% trans %} or {% blocktrans %}: " + repr(problems)


@pytest.mark.parametrize(
    "source",
    [
        "<h1>My shifts</h1>",
        "{% if x %}<p>Nothing yet</p>{% endif %}",
        '<nav aria-label="Main">{% trans "Menu" %}</nav>',
        '<img src="x.png" alt="A chart">',
        '<input type="submit" value="Save">',
        "{% trans 'Hello' %} and goodbye",
        "Reset your password\n{{ protocol }}://{{ domain }}",
    ],
)
def test_the_template_check_catches_unmarked_text(source):
    assert untranslated_words(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<h1 class="display-1">{% trans "My shifts" %}</h1>',
        '<nav aria-label="{% trans \'Main\' %}">{{ item.label }} · {{ n }}</nav>',
        "{% blocktrans with n=page.number %}Page {{ n }} of many{% endblocktrans %}",
        "{# a note for developers #}{% comment %}Not shown{% endcomment %}<!-- nor this -->",
        '<script src="x.js"></script><style>.a { color: red }</style>',
        '<input type="hidden" name="next" value="somewhere">',
        '<button lang="cy">Cymraeg</button>',
        "{{ protocol }}://{{ domain }}{% url 'x' %} 999 116 123",
    ],
)
def test_the_template_check_passes_marked_text(source):
    assert untranslated_words(source) == []
