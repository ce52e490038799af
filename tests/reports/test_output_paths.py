"""Where `export --out` and `report --out` may write, and how a failed write reads."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from conftest import SEED
from typer.testing import CliRunner

from reports.output import write_output
from tracker.cli.main import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def imported(sqlite_url: str) -> str:
    """A database holding the seed's papers."""
    assert run("--db", sqlite_url, "import", str(SEED)).exit_code == 0
    return sqlite_url


def test_export_into_a_missing_directory_is_refused_and_creates_nothing(
    imported: str, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    result = run("--db", imported, "export", "--out", str(target))

    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {target}: directory {target.parent} does not "
                                     "exist: create it first")
    assert not (tmp_path / "no").exists()


def test_export_to_a_directory_writes_a_default_named_file_in_it(imported: str,
                                                                  tmp_path: Path) -> None:
    result = run("--db", imported, "export", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reprotrack-export.csv").read_text().startswith("paper_id,")


def test_report_out_naming_a_file_is_refused(imported: str, tmp_path: Path) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("mine\n")
    result = run("--db", imported, "report", "--out", str(existing))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {existing}: is a file, not a directory: --out "
                                     "takes the directory to write the reports into")
    assert existing.read_text() == "mine\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_export_into_a_named_pipe_writes_through_it_and_keeps_the_pipe(
    imported: str, tmp_path: Path
) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()

    result = run("--db", imported, "export", "--out", str(pipe))
    reader.join(timeout=10)

    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # not replaced by a regular file
    assert received and received[0].startswith(b"paper_id,title,")


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
def test_export_to_dev_full_is_one_line_exit_3_and_the_device_stays(imported: str) -> None:
    before = os.stat("/dev/full")
    result = run("--db", imported, "export", "--out", "/dev/full")

    assert result.exit_code == 3
    assert result.stderr.strip() == "error: cannot write /dev/full: No space left on device"
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_a_new_file_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(
    tmp_path: Path
) -> None:
    fresh, kept = tmp_path / "fresh.csv", tmp_path / "kept.csv"
    kept.write_text("old\n")
    kept.chmod(0o640)
    umask = os.umask(0o022)
    os.umask(umask)

    write_output(fresh, "new\n")
    write_output(kept, "new\n")

    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new\n"


def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(
    imported: str, tmp_path: Path
) -> None:
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    target.write_text("old\n")
    link.symlink_to(target)
    assert run("--db", imported, "export", "--out", str(link)).exit_code == 0
    assert link.is_symlink() and target.read_text().startswith("paper_id,title,")
