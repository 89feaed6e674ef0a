"""The one safe writer: atomic, regular files only, errors naming the user's path, leftovers cleaned."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from autograd.engine.errors import AutogradError
from autograd.files import (
    TEMPORARY_SUFFIX,
    FileWriteError,
    MissingFolderError,
    UnsafeFileError,
    write_atomically,
)


def leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(TEMPORARY_SUFFIX))


def test_a_new_file_gets_the_mode_a_plain_open_gives_under_the_current_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.txt", b"x")
        with open(tmp_path / "plain.txt", "w"):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)


def test_the_process_umask_is_never_changed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "umask", lambda *args: calls.append(args) or 0o022)
    write_atomically(tmp_path / "a.txt", b"x")
    assert calls == []


def test_replacing_a_file_keeps_its_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomically(target, b"new" * 100_000)
    assert target.read_bytes() == b"new" * 100_000
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_a_symlink_is_followed_and_its_target_replaced(tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"
    assert link.read_bytes() == b"new"


def test_a_dangling_symlink_creates_the_file_it_points_to(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_atomically(link, b"new")
    assert link.is_symlink()
    assert (tmp_path / "later.json").read_bytes() == b"new"


def test_a_fifo_is_refused_at_once_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeFileError) as caught:
        write_atomically(fifo, b"x", caller="save()")
    assert str(caught.value) == (
        f"save() got {str(fifo)!r}, which is a FIFO (named pipe), not a regular file; nothing was written. "
        "Write to a file path instead."
    )
    assert caught.value.filename == str(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert leftovers(tmp_path) == []


def test_a_symlink_to_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link").symlink_to(fifo)
    with pytest.raises(UnsafeFileError, match="FIFO"):
        write_atomically(tmp_path / "link", b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_device_is_refused_before_anything_is_written(monkeypatch):
    # /dev/zero stands in for /dev/null: same kind of file, and nothing here may touch it.
    def no_writes(*args, **kwargs):
        raise AssertionError("a temporary file was opened")

    monkeypatch.setattr(os, "open", no_writes)
    with pytest.raises(UnsafeFileError) as caught:
        write_atomically("/dev/zero", b"x", caller="save()")
    assert str(caught.value) == (
        "save() got '/dev/zero', which is a character device, not a regular file; nothing was written. "
        "Write to a file path instead."
    )
    assert isinstance(caught.value, PermissionError)
    assert isinstance(caught.value, AutogradError)
    assert caught.value.errno == errno.EACCES
    assert stat.S_ISCHR(os.stat("/dev/zero").st_mode)


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(UnsafeFileError) as caught:
        write_atomically(folder, b"x")
    assert str(caught.value) == (
        f"write_atomically() got {str(folder)!r}, which is a folder, not a regular file; nothing was written. "
        "Write to a file path instead."
    )
    assert folder.is_dir()
    assert leftovers(tmp_path) == []


def test_a_read_only_file_is_refused_even_for_root(tmp_path):
    target = tmp_path / "keep.json"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(UnsafeFileError) as caught:
        write_atomically(target, b"new", caller="save()")
    assert str(caught.value) == (
        f"save() got {str(target)!r}, which is read-only (mode -r--r--r--); nothing was written. "
        "Make it writable first (chmod u+w) or write somewhere else."
    )
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, access() allows every write; the 0444 test covers root")
def test_a_file_of_another_mode_the_user_cannot_write_is_refused(tmp_path):
    target = tmp_path / "keep.json"
    target.write_bytes(b"old")
    target.chmod(0o044)
    with pytest.raises(UnsafeFileError, match="read-only"):
        write_atomically(target, b"new")


def test_a_missing_folder_is_named_and_never_created(tmp_path):
    path = tmp_path / "no" / "dir" / "m.json"
    with pytest.raises(MissingFolderError) as caught:
        write_atomically(path, b"x", caller="save()")
    folder = str(tmp_path / "no" / "dir")
    assert str(caught.value) == (
        f"save() got {str(path)!r}; the folder {folder!r} does not exist. "
        f"Create it first: os.makedirs({folder!r}, exist_ok=True)."
    )
    assert isinstance(caught.value, FileNotFoundError)
    assert not (tmp_path / "no").exists()


def test_a_file_in_place_of_the_folder_is_named(tmp_path):
    (tmp_path / "plain").write_bytes(b"")
    with pytest.raises(MissingFolderError, match=r"folder '.*plain' is a file, not a folder; write somewhere else\.$"):
        write_atomically(tmp_path / "plain" / "m.json", b"x")


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_names_the_target_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch, failing):
    target = tmp_path / "history.json"
    target.write_bytes(b'{"old": true}')

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, full)
    with pytest.raises(FileWriteError) as caught:
        write_atomically(target, b'{"new": true}', caller="save()")
    assert str(caught.value) == (
        f"save() could not write {str(target)!r}: No space left on device. "
        "The disk is full: free some space; the old file (if any) is unchanged."
    )
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(target)
    assert target.read_bytes() == b'{"old": true}'
    assert leftovers(tmp_path) == []


def test_a_short_write_is_completed(tmp_path, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:3])))
    write_atomically(tmp_path / "a.txt", b"0123456789")
    assert (tmp_path / "a.txt").read_bytes() == b"0123456789"


def test_a_read_only_folder_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    real_open = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(TEMPORARY_SUFFIX):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    target = tmp_path / "m.json"
    with pytest.raises(FileWriteError) as caught:
        write_atomically(target, b"x", caller="save()")
    assert str(caught.value) == (
        f"save() could not write {str(target)!r}: Read-only file system. The folder is on a read-only file system."
    )
    assert TEMPORARY_SUFFIX not in str(caught.value)
    assert caught.value.filename == str(target)


def test_an_error_without_errno_passes_unchanged_and_cleans_up(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda *args: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match=r"^disk full$"):
        write_atomically(tmp_path / "a.txt", b"x")
    assert leftovers(tmp_path) == []


def test_a_killed_save_leaves_a_temporary_file_the_next_save_removes(tmp_path):
    target = tmp_path / "model.json"
    target.write_bytes(b"old")
    # A child writes its temporary file and is killed with SIGKILL before the rename.
    script = textwrap.dedent(
        f"""
        import os, signal
        import autograd.files as files
        os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        files.write_atomically({str(target)!r}, b"half")
        """
    )
    child = subprocess.run([sys.executable, "-c", script], check=False)
    assert child.returncode == -9
    stale = leftovers(tmp_path)
    assert len(stale) == 1
    assert stale[0].startswith(".model.json.")
    assert target.read_bytes() == b"old"
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_cleanup_spares_temporary_files_of_running_writers_and_other_targets(tmp_path):
    mine = tmp_path / f".model.json.{os.getpid()}-999{TEMPORARY_SUFFIX}"
    other_target = tmp_path / f".other.json.1-0{TEMPORARY_SUFFIX}"
    user_file = tmp_path / ".model.json.notes"
    for path in (mine, other_target, user_file):
        path.write_bytes(b"")
    write_atomically(tmp_path / "model.json", b"x")
    assert mine.exists()
    assert other_target.exists()
    assert user_file.exists()


def test_a_very_long_name_still_gets_a_temporary_file(tmp_path):
    target = tmp_path / ("m" * 250)
    write_atomically(target, b"x")
    assert target.read_bytes() == b"x"
    assert leftovers(tmp_path) == []


def test_every_project_writer_goes_through_the_safe_writer():
    import autograd.see.player
    import autograd.see.render
    import nn.cli
    import nn.persistence

    assert autograd.see.render.write_atomically is write_atomically
    assert autograd.see.player.write_atomically is write_atomically
    assert nn.persistence.write_atomically is write_atomically
    assert nn.cli.write_atomically is write_atomically
