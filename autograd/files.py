"""Writing files safely: whole or not at all, with the permissions a plain ``open()`` gives.

Standard library only, so ``nn`` can save models without importing the renderer.

Example:
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomically(target, b"hi"); target.read_bytes()
    b'hi'
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file, so an error never leaves half a file.

    The temporary file is written beside ``path``, flushed to disk and moved
    into place; the result has the mode a plain ``open()`` would give it (or
    keeps the mode of the file it replaces).

    Raises:
        FileNotFoundError: the folder ``path`` is in does not exist (named, not
            the temporary file).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> write_atomically(folder / "a.txt", b"ok"); (folder / "a.txt").read_bytes()
        b'ok'
        >>> write_atomically(folder / "no" / "a.txt", b"ok")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        FileNotFoundError: [Errno 2] the folder '...no' does not exist; create it first: '...a.txt'
    """
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        raise FileNotFoundError(
            errno.ENOENT, f"the folder {str(parent)!r} does not exist; create it first", str(path)
        )
    # mkstemp makes a private (0600) file; give the result the mode a plain open() would.
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
