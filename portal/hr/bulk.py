"""Python's cycle collector paused while an import reads, plans or applies a file.

An import holds tens of thousands of long-lived objects (cells, records, rows from the portal,
the plan), none of them in a reference cycle: plain reference counting frees them. Each of the
collector's full passes scans them all, though, and at 50,000 people those passes took a fifth of
the import's Python time (bench/import_people.py). Paused, nothing is skipped but that scanning;
any cycle made meanwhile is collected once it is back on. The pause is process-wide and lasts one
step: it is left alone if someone else already paused it, and always undone, even on an error."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """A context manager (and decorator) that pauses the cycle collector for its block."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
