"""Writing files safely: whole or not at all, only over a regular file the user may write.

Every file glassgrad writes (models, training histories, graphs, pages,
plots) goes through ``write_atomically``: the bytes go to a temporary file
beside the target, are flushed to disk, and the temporary file is renamed over
the target. So a crash or a full disk leaves the old file or the new one,
never half of one. What a plain ``open(path, "w")`` would refuse is refused
too, and some things it would not: a FIFO, a device such as ``/dev/null``, or a
read-only (0444) file even when running as root, since a rename would turn them
into a regular file instead of writing to them. Standard library only, so
``nn`` can save models without importing the renderer.

Example:
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomically(target, b"hi"); target.read_bytes()
    b'hi'
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
import threading
from pathlib import Path

from autograd.engine.errors import AutogradError

TEMPORARY_SUFFIX = ".glassgrad-tmp"
"""Temporary files are named ``.<target name>.<pid>-<n>.glassgrad-tmp``, beside the target."""

# Enough of the target's name to recognise its temporary files; keeps the whole name under 255 bytes.
_NAME_KEPT = 180
_counter = itertools.count()
_counter_lock = threading.Lock()


class FileWriteError(AutogradError, OSError):
    """A file could not be written; ``errno`` is kept and the message names the user's path.

    ``filename`` is the path the user gave, never the hidden temporary file.

    Example:
        >>> import errno
        >>> str(FileWriteError(errno.ENOSPC, "save() could not write 'm.json': No space left on device.", "m.json"))
        "save() could not write 'm.json': No space left on device."
    """

    def __str__(self) -> str:
        return str(self.strerror)


class UnsafeFileError(FileWriteError, PermissionError):
    """The target is not a regular file the user may write, so glassgrad will not replace it.

    A FIFO, a device, a socket, a folder or a read-only file: renaming a new
    file over it would destroy what is there instead of writing to it.

    Example:
        >>> write_atomically("/dev/zero", b"x")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd.files.UnsafeFileError: write_atomically() got '/dev/zero', which is a character device, ...
    """


class MissingFolderError(FileWriteError, FileNotFoundError):
    """The folder to write in does not exist; glassgrad never creates folders silently.

    Example:
        >>> write_atomically("/no/such/folder/m.json", b"x")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd.files.MissingFolderError: write_atomically() got '/no/such/folder/m.json'; the folder ...
    """


def write_atomically(path: str | os.PathLike[str], content: bytes, *, caller: str = "write_atomically()") -> None:
    """Write ``content`` to ``path`` through a temporary file, so an error never leaves half a file.

    A symbolic link is followed: the file it points to is replaced and the
    link stays. The result has the mode a plain ``open()`` would give a new
    file (the umask applies), or keeps the mode of the file it replaces.
    Temporary files left by a killed earlier save to the same path are
    removed first.

    Args:
        path: the file to write.
        content: the whole new content.
        caller: the function named in error messages, e.g. ``"save()"``.

    Raises:
        MissingFolderError: the folder ``path`` is in does not exist (a
            ``FileNotFoundError`` naming the folder; folders are never created).
        UnsafeFileError: ``path`` is a folder, FIFO, device or socket, or a file
            the user cannot write (mode 0444 is refused even for root).
        FileWriteError: the disk is full, the folder is read-only, ... (an
            ``OSError`` keeping the errno, naming ``path``, not the temporary file).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> write_atomically(folder / "a.txt", b"ok"); (folder / "a.txt").read_bytes()
        b'ok'
        >>> write_atomically(folder / "no" / "a.txt", b"ok")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        autograd.files.MissingFolderError: write_atomically() got '...a.txt'; the folder '...no' does not exist. ...
    """
    shown = os.fspath(path)
    target = _resolve(Path(path), shown, caller)
    mode = _check_target(target, shown, caller)
    _remove_stale_temporaries(target)
    temporary = target.parent / f".{target.name[:_NAME_KEPT]}.{os.getpid()}-{_next()}{TEMPORARY_SUFFIX}"
    try:
        # 0o666 and the umask give the mode a plain open() would, without touching the process umask.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as error:
        raise _naming(error, shown, caller) from None
    try:
        try:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(descriptor, mode)
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
        _sync_folder(target.parent)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno is not None:
            raise _naming(error, shown, caller) from None
        raise


def _sync_folder(folder: Path) -> None:
    # The rename is only durable once the folder itself is on disk; where folders cannot be opened, skip it.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _next() -> int:
    with _counter_lock:
        return next(_counter)


def _resolve(path: Path, shown: str, caller: str) -> Path:
    # Follow symbolic links to the file they name, so the link stays a link to the new content.
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = target.parent
    if not folder.is_dir():
        if folder.exists():
            fix = "is a file, not a folder; write somewhere else."
        else:
            fix = f"does not exist. Create it first: os.makedirs({str(folder)!r}, exist_ok=True)."
        raise MissingFolderError(errno.ENOENT, f"{caller} got {shown!r}; the folder {str(folder)!r} {fix}", shown)
    return target


_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def _check_target(target: Path, shown: str, caller: str) -> int | None:
    """The mode to keep (None for a new file); refuses what a rename must not replace."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _naming(error, shown, caller) from None
    for is_kind, kind in _KINDS.items():
        if is_kind(status.st_mode):
            raise UnsafeFileError(
                errno.EACCES,
                f"{caller} got {shown!r}, which is {kind}, not a regular file; nothing was written. "
                "Write to a file path instead.",
                shown,
            )
    if not _may_write(target, status):
        raise UnsafeFileError(
            errno.EACCES,
            f"{caller} got {shown!r}, which is read-only (mode {stat.filemode(status.st_mode)}); nothing was "
            f"written. Make it writable first (chmod u+w) or write somewhere else.",
            shown,
        )
    return stat.S_IMODE(status.st_mode)


def _may_write(target: Path, status: os.stat_result) -> bool:
    # root passes every access() check; a file nobody may write is still meant to stay as it is.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return bool(status.st_mode & 0o222)
    return os.access(target, os.W_OK)


def _remove_stale_temporaries(target: Path) -> None:
    # A save killed with kill -9 leaves its temporary file; the pid in the name says whether its writer is gone.
    prefix = f".{target.name[:_NAME_KEPT]}."
    try:
        names = [name for name in os.listdir(target.parent) if name.startswith(prefix)]
    except OSError:
        return
    for name in names:
        writer = name[len(prefix) :]
        if not writer.endswith(TEMPORARY_SUFFIX):
            continue
        pid = writer[: -len(TEMPORARY_SUFFIX)].partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            (target.parent / name).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it now
    if os.name == "nt":
        return True  # os.kill(pid, 0) terminates the process on Windows: never probe there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _naming(error: OSError, shown: str, caller: str) -> FileWriteError:
    """The same kind of error (errno kept), naming the user's path rather than the temporary file."""
    reason = error.strerror or str(error)
    hint = {
        errno.ENOSPC: " The disk is full: free some space; the old file (if any) is unchanged.",
        errno.EDQUOT: " The disk quota is exceeded; the old file (if any) is unchanged.",
        errno.EROFS: " The folder is on a read-only file system.",
        errno.EACCES: " The folder is not writable by this user.",
    }.get(error.errno or 0, "")
    return FileWriteError(error.errno, f"{caller} could not write {shown!r}: {reason}.{hint}", shown)
