"""The backup drill's verdict (deploy/backup_drill.py; the drill itself runs in .ci/run): it passes only
when every table matches and the restore stopped exactly at the restore point."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "deploy" / "backup_drill.py"
spec = importlib.util.spec_from_file_location("backup_drill", SCRIPT)
drill = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drill)

SOURCE = {"portal_user": (12, "a" * 32), "portal_auditevent": (300, "b" * 32)}
AT_TARGET = {"drill_before_target": 200}


def test_a_faithful_restore_passes(capsys):
    assert drill.report(SOURCE, dict(SOURCE), 3.2, AT_TARGET) == 0
    assert "every table's row count and checksum match" in capsys.readouterr().out


def test_a_changed_missing_or_extra_table_fails_and_is_named(capsys):
    changed = {**SOURCE, "portal_user": (12, "c" * 32)}
    assert drill.report(SOURCE, changed, 3.2, AT_TARGET) == 1
    assert "DIFFERS portal_user" in capsys.readouterr().out
    assert drill.report(SOURCE, {"portal_user": SOURCE["portal_user"]}, 3.2, AT_TARGET) == 1
    assert drill.report(SOURCE, {**SOURCE, "stray": (1, "d" * 32)}, 3.2, AT_TARGET) == 1


def test_a_restore_past_or_short_of_the_target_fails(capsys):
    assert drill.report(SOURCE, dict(SOURCE), 3.2, {**AT_TARGET, "drill_after_target": 200}) == 1
    assert drill.report(SOURCE, dict(SOURCE), 3.2, {}) == 1
    assert "did not stop at the restore point" in capsys.readouterr().out
