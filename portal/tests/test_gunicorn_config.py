"""bin/web's gunicorn hooks: with several workers, /metrics merges every worker's counters
(PROMETHEUS_MULTIPROC_DIR), and a worker that exits stops counting in live gauges. The whole
path (bin/web, two workers, a scrape) is checked by .ci/run's production-processes step."""

import shlex
from pathlib import Path
from types import SimpleNamespace

from portal import gunicorn_config

ROOT = Path(__file__).resolve().parents[2]


def test_an_exited_worker_leaves_the_live_gauges_and_keeps_its_counts(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for name in ("gauge_livesum_4242.db", "gauge_liveall_4242.db", "counter_4242.db", "gauge_livesum_4343.db"):
        (tmp_path / name).write_bytes(b"")
    gunicorn_config.child_exit(None, SimpleNamespace(pid=4242))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4242.db", "gauge_livesum_4343.db"]


def test_without_a_metrics_directory_an_exit_touches_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    gunicorn_config.child_exit(None, SimpleNamespace(pid=4242))
    assert (tmp_path / "gauge_livesum_4242.db").exists()


def test_bin_web_gives_gunicorn_the_hooks_and_an_empty_metrics_directory():
    script = (ROOT / "bin/web").read_text()
    words = shlex.split(script.split("\nexec", 1)[1].replace("\\\n", " "))
    assert words[words.index("--config") + 1] == "python:portal.gunicorn_config"
    before_gunicorn = script.split("\nexec", 1)[0]
    # set for gunicorn only, after migrate and collectstatic, and emptied of an earlier run's files
    assert before_gunicorn.index("unset PROMETHEUS_MULTIPROC_DIR") < before_gunicorn.index("manage.py migrate")
    assert before_gunicorn.rindex("export PROMETHEUS_MULTIPROC_DIR") > before_gunicorn.rindex("collectstatic")
    assert "-name '*.db' -delete" in before_gunicorn
