"""Issue 17: stopping `make run` stops the server.

With Django's autoreloader, runserver is two processes (a watcher and its serving child); a SIGTERM
to make reached only the watcher and left the child serving the port. The run target now execs one
process (`--noreload`), which Ctrl+C and a SIGTERM passed on by make both stop.

Checked by hand (issue 17): `make run PORT=8765` in a terminal, Ctrl+C, then
`curl http://127.0.0.1:8765/` fails and `ps` shows no runserver; likewise `kill -TERM <make's pid>`.
This test keeps the recipe in the shape that made that true."""

from pathlib import Path

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def run_recipe() -> list[str]:
    lines = MAKEFILE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("run:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_make_run_serves_with_one_process_that_replaces_the_shell():
    last = run_recipe()[-1]
    assert last.startswith("exec "), last
    assert "runserver --noreload 127.0.0.1:$(PORT)" in last
    assert "PORT ?= 8000" in MAKEFILE.read_text()
