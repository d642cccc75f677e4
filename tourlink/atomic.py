"""Atomic file output: write to a temporary file (or folder) beside the target, then rename.

:func:`atomic_write` and :func:`write_text` / :func:`write_bytes` replace one file;
:func:`atomic_folder` writes several files into a temporary folder and moves them in together,
so an interrupted run leaves the previous files (or nothing), never some new beside some old.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing that replaces ``path`` only when the block succeeds.

    An exception inside the block (or an interrupted process) leaves the previous file, or
    none, never a half-written one. Errors name ``path``, never the temporary file.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; give a file name", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        try:
            os.replace(tmp, path)
        except OSError as exc:  # name the target, not the temporary file
            raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Atomically write ``text`` to ``path`` and return the path."""
    with atomic_write(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Atomically write ``data`` to ``path`` and return the path."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block is done, then deliver it.

    Only in the main thread (signals reach no other); elsewhere the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, None)  # the default handler raises KeyboardInterrupt


@contextlib.contextmanager
def atomic_folder(folder: str | os.PathLike, *, replaces: Collection[str] = ()) -> Iterator[Path]:
    """Yield a temporary folder beside ``folder``; when the block succeeds, its files become ``folder``'s.

    A new ``folder`` is the temporary one renamed. Into an existing ``folder`` the new files are
    moved with Ctrl-C held back, and files named in ``replaces`` that the block did not write
    are removed (an older set of the same kind); other files there are kept. On an exception
    or Ctrl-C inside the block nothing changes: the temporary folder and any parent folders
    made for it are removed.
    """
    folder = Path(folder)
    made = [p for p in (folder.parent, *folder.parent.parents) if not p.exists()]
    tmp: Path | None = None
    try:
        with held_interrupts():  # a Ctrl-C between making the folder and the try would leave it
            folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name[:80]}.", suffix=".tmp", dir=folder.parent))
        yield tmp
        with held_interrupts():
            os.chmod(tmp, 0o777 & ~_umask())
            if not _rename_new(tmp, folder):
                names = set(os.listdir(tmp))
                for name in sorted(names):
                    os.replace(tmp / name, folder / name)
                for name in sorted(set(replaces) - names):
                    with contextlib.suppress(FileNotFoundError):
                        (folder / name).unlink()
                tmp.rmdir()
    except BaseException as exc:
        with held_interrupts():
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            for p in made:  # deepest first
                with contextlib.suppress(OSError):
                    p.rmdir()
        name = getattr(exc, "filename", None)
        if isinstance(exc, OSError) and isinstance(name, str) and tmp and Path(name).is_relative_to(tmp):
            # name the file the user asked for, not the temporary folder
            raise type(exc)(exc.errno, exc.strerror, str(folder / Path(name).relative_to(tmp))) from None
        raise


def _rename_new(tmp: Path, folder: Path) -> bool:
    """Rename ``tmp`` to ``folder`` when ``folder`` does not exist; False when it does."""
    if folder.exists() or folder.is_symlink():
        return False
    try:
        os.rename(tmp, folder)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):  # made meanwhile: move the files in
            return False
        raise
    return True


__all__ = ["atomic_write", "write_text", "write_bytes", "held_interrupts", "atomic_folder"]
