"""Atomic writes of the files orbitviz makes: the whole new file or none, never half of one.

:func:`write_atomic` has ``writer(tmp_path)`` write a temporary file in the target's folder,
flushes it to disk, and only then gives it the target's name:

- **With** ``force``: ``os.replace``; readers see the old file or the whole new one.
- **Without** ``force`` the last step never replaces a file, not even one that appeared while
  the writer ran (a second export to the same path, or the user saving there during an 8K
  render): a rename that refuses to replace (Linux ``renameat2(RENAME_NOREPLACE)``), else a
  hard link (which fails on an existing name) and an unlink of the temporary name, else
  (file systems with neither, e.g. FAT) an exclusive create of the target as a placeholder
  that the rename then replaces. Each is checked; a file that appeared is left as it is and
  :class:`TargetExistsError` says so.
- **Temporary names** are ``.orbitviz-<8 hex>-<target name>.part[suffix]``, the target name
  cut (at a character boundary) so the whole fits the file system's name limit: a legal
  target name at the limit (255 bytes) still works.
- **Stale temporaries.** The writing process holds an ``flock`` on its temporary file while
  it exists; a process killed with ``kill -9`` loses it. Every write first removes, from its
  folder, temporaries of this pattern that no process holds and that are older than
  :data:`STALE_MIN_AGE_S` (where the file system has no locks: older than
  :data:`STALE_NO_LOCK_AGE_S`).
- **Errors** are one line naming the path (:class:`AtomicWriteError`); a full disk
  (``ENOSPC``) says the disk is full. Any error or interrupt (Ctrl-C) removes the temporary
  file. A name longer than the file system allows is refused before anything is written
  (:func:`check_name_fits`).
- **Cancel.** ``cancel`` (a :class:`~orbitviz.core.cancel.CancelToken`) is checked once
  more just before the rename: a signal that came while the file was written stops the
  write there, and the old file stays as it was.
- **Mode.** A new file gets the mode an ordinary new file gets (``0666`` less the umask);
  ``mode`` keeps another (a rewritten file keeping its ``0644`` or ``0600``).
- **Folders** (:func:`write_folder_atomic`, a clip's PNG frames): the same, with a temporary
  folder of the same name pattern, locked the same way; an existing target folder is
  swapped with the new one in one step (``renameat2(RENAME_EXCHANGE)``) where the caller
  allows replacing it, then removed.

No Qt here: :mod:`orbitviz.app.export` re-exports :func:`write_atomic` for its callers.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import time
from pathlib import Path

from orbitviz.core.userfiles import one_line

#: A temporary file no process holds is removed once it is this old, s (the margin covers
#: the instant between a temporary file's creation and its lock).
STALE_MIN_AGE_S = 5.0
#: On a file system without ``flock``, a temporary file is removed once it is this old, s.
STALE_NO_LOCK_AGE_S = 24 * 3600.0
#: The name limit, bytes, where the file system does not say (Linux: ext4, tmpfs, btrfs).
DEFAULT_NAME_MAX = 255
TEMP_PREFIX = ".orbitviz-"
_TEMP_NAME = re.compile(r"^\.orbitviz-[0-9a-f]{8}-.*\.part(\.[A-Za-z0-9]{1,8})?$", re.S)
_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


class AtomicWriteError(Exception):
    """A file that cannot be written; the message is one line naming it."""


class TargetExistsError(AtomicWriteError):
    """The target exists (``appeared``: it appeared while the new file was written) and
    was left as it is."""

    def __init__(self, message: str, appeared: bool = False):
        super().__init__(message)
        self.appeared = appeared


def _folder(p: Path) -> Path:
    return p.parent if str(p.parent) else Path(".")


def name_max(folder) -> int:
    """The longest file name, bytes, the file system of ``folder`` allows."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return DEFAULT_NAME_MAX


def check_name_fits(path) -> Path:
    """Raise :class:`AtomicWriteError` when ``path``'s file name is longer than its folder's
    file system allows (checked before a render, not after it)."""
    p = Path(path)
    size = len(os.fsencode(p.name))
    folder = _folder(p)
    limit = name_max(folder if folder.is_dir() else ".")
    if size > limit:
        raise AtomicWriteError(f"cannot write {one_line(p, 80)}: its name is {size} bytes "
                               f"long, and the file system allows {limit}")
    return p


def error_line(exc: OSError, path) -> str:
    """One line for an OS error while writing ``path``: a full disk says so."""
    shown = one_line(path)
    code = exc.errno
    if code == errno.ENOSPC:
        return f"the disk is full: cannot write {shown}"
    if code == errno.EDQUOT:
        return f"the disk quota is used up: cannot write {shown}"
    if code == errno.EROFS:
        return f"cannot write {shown}: the file system is read-only"
    if code == errno.ENAMETOOLONG:
        return f"cannot write {shown}: the name or path is too long for the file system"
    return f"cannot write {shown}: {exc.strerror or exc}"


def temporary_name(target_name: str, token: str, suffix: str = "", limit: int = 255) -> str:
    """``.orbitviz-<token>-<target name>.part<suffix>``, the target name cut so the whole is
    at most ``limit`` bytes."""
    head, tail = f"{TEMP_PREFIX}{token}-", f".part{suffix}"
    room = limit - len(os.fsencode(head + tail))
    name = target_name
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return head + name + tail


def is_temporary_name(name: str) -> bool:
    """Whether ``name`` is one of :func:`temporary_name`'s."""
    return bool(_TEMP_NAME.match(name))


def _lock(fd: int) -> bool | None:
    """Take an exclusive ``flock`` without waiting: True when taken, False when another
    process holds it, None where the file system has no locks."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return None


def remove_stale_temporaries(folder, min_age_s: float = STALE_MIN_AGE_S,
                             now: float | None = None) -> list[str]:
    """Remove the temporary files and folders of :func:`temporary_name`'s pattern in
    ``folder`` that no process holds and that are at least ``min_age_s`` old; returns their
    names. Anything else is never touched; errors are ignored."""
    removed = []
    now = time.time() if now is None else now
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        if not is_temporary_name(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                continue
            flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(entry.path, flags | (os.O_DIRECTORY if stat.S_ISDIR(st.st_mode) else 0))
        except OSError:
            continue
        try:
            held = _lock(fd)
            age = now - os.fstat(fd).st_mtime
            if held is False or age < (min_age_s if held else STALE_NO_LOCK_AGE_S):
                continue
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _renameat2_noreplace():
    """libc's ``renameat2`` (glibc 2.28+), or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library this process runs on
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2_noreplace()
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM,
                errno.EXDEV}


def rename_noreplace(src, dst) -> None:
    """Rename ``src`` to ``dst`` unless ``dst`` exists (:class:`FileExistsError` then, and
    both are left as they are). OSError for other failures."""
    src_b, dst_b = os.fsencode(src), os.fsencode(dst)
    if _RENAMEAT2 is not None:
        if _RENAMEAT2(_AT_FDCWD, src_b, _AT_FDCWD, dst_b, _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code == errno.EEXIST:
            raise FileExistsError(code, os.strerror(code), os.fsdecode(dst_b))
        if code not in _UNSUPPORTED:
            raise OSError(code, os.strerror(code), os.fsdecode(dst_b))
    src_ino = os.stat(src_b).st_ino
    try:  # a hard link fails on an existing name
        os.link(src_b, dst_b, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
    else:
        st = os.stat(dst_b, follow_symlinks=False)
        if st.st_ino != src_ino:  # the check: the name is ours
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fsdecode(dst_b))
        os.unlink(src_b)
        return
    # neither (FAT, some network file systems): claim the name, then replace our claim
    fd = os.open(dst_b, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.replace(src_b, dst_b)


def write_atomic(path, writer, force: bool = True, suffix: str = "", *, cancel=None,
                 mode: int | None = None) -> Path:
    """Write ``path`` through ``writer(tmp_path: str)`` atomically (see the module's notes).

    ``force``: replace an existing file; without it an existing file, or one that appears
    while ``writer`` runs, raises :class:`TargetExistsError` and is left as it is.
    ``suffix``: ends the temporary name (``.mp4`` for writers that go by the extension).
    ``cancel``: anything with a ``check()`` that raises to stop (a
    :class:`~orbitviz.core.cancel.CancelToken`), called just before the rename.
    ``mode``: the new file's permission bits (default: a new file's, ``0666`` less umask).
    OS errors become :class:`AtomicWriteError` (one line, naming ``path``; a full disk says
    so); anything else ``writer`` raises, and interrupts, pass through. In every failure the
    temporary file is removed.
    """
    p = Path(path)
    shown = one_line(p)
    folder = _folder(p)
    check_name_fits(p)
    if not force and os.path.lexists(p):
        raise TargetExistsError(f"{shown} exists: use --force to overwrite it")
    remove_stale_temporaries(folder)
    limit = name_max(folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = folder / temporary_name(p.name, secrets.token_hex(4), suffix, limit)
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise AtomicWriteError(f"cannot write {shown}: the folder "
                                       f"{one_line(folder)} does not exist") from None
            raise AtomicWriteError(error_line(exc, p)) from None
    else:
        raise AtomicWriteError(f"cannot write {shown}: no free temporary name in the folder")
    try:
        _lock(fd)  # held until the end: other writers see this file is in use
        try:
            writer(str(tmp))
            os.chmod(tmp, _new_file_mode() if mode is None else stat.S_IMODE(mode))
            with open(tmp, "rb+") as fh:  # whatever the writer left in caches, on disk
                os.fsync(fh.fileno())
            if cancel is not None:
                cancel.check()  # the last moment a cancel leaves the old file as it was
            if force:
                os.replace(tmp, p)
            else:
                try:
                    rename_noreplace(tmp, p)
                except FileExistsError:
                    raise TargetExistsError(
                        f"{shown} appeared while it was being written: it is left as it "
                        "was (use --force to overwrite it)", appeared=True) from None
        except OSError as exc:
            raise AtomicWriteError(error_line(exc, p)) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        os.close(fd)
    _fsync_folder(folder)
    return p


def _new_file_mode() -> int:
    """The mode an ordinary new file gets here: ``0666`` less the umask (not mkstemp's
    ``0600``)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _new_folder_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def exchange(a, b) -> bool:
    """Swap the names ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``);
    False where the system or file system cannot (nothing changed then)."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), os.fsdecode(b))


def _rename_folder_noreplace(src: Path, dst: Path) -> None:
    """Rename the folder ``src`` to ``dst`` unless ``dst`` exists (FileExistsError)."""
    try:
        rename_noreplace(src, dst)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        # rename_noreplace's fallbacks are for files (a hard link, a file placeholder):
        # claim the name with an empty folder instead, which a rename may replace
        if exc.errno not in _UNSUPPORTED | {errno.ENOTDIR, errno.EISDIR}:
            raise
    os.mkdir(dst, 0o700)
    os.rename(src, dst)  # replaces our empty claim; ENOTEMPTY if someone filled it


def write_folder_atomic(path, writer, replace=None, *, cancel=None) -> Path:
    """Make the folder ``path`` through ``writer(tmp_folder: str)`` atomically: the whole new
    folder appears under ``path`` at once, or nothing does.

    ``writer`` fills a temporary folder beside ``path`` (the name pattern and lock of
    :func:`temporary_name`, so a killed writer's folder is removed by the next write).
    ``replace(path)``: called when ``path`` exists at the end; it raises to refuse (the
    error passes through), else the old folder is swapped out in one step and removed.
    Without ``replace`` an existing ``path`` raises :class:`TargetExistsError`.
    ``cancel``: as for :func:`write_atomic`. Errors and interrupts remove the temporary
    folder; OS errors become :class:`AtomicWriteError` (one line naming ``path``).
    """
    p = Path(path)
    shown = one_line(p)
    folder = _folder(p)
    check_name_fits(p)
    if replace is None and os.path.lexists(p):
        raise TargetExistsError(f"{shown} exists: use --force to overwrite it")
    remove_stale_temporaries(folder)
    limit = name_max(folder)
    for _ in range(100):
        tmp = folder / temporary_name(p.name, secrets.token_hex(4), "", limit)
        try:
            os.mkdir(tmp, 0o700)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise AtomicWriteError(f"cannot write {shown}: the folder "
                                       f"{one_line(folder)} does not exist") from None
            raise AtomicWriteError(error_line(exc, p)) from None
    else:
        raise AtomicWriteError(f"cannot write {shown}: no free temporary name in the folder")
    fd = None
    old = None
    try:
        fd = os.open(tmp, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        _lock(fd)  # held until the end, as for files
        try:
            writer(str(tmp))
            os.chmod(tmp, _new_folder_mode())
            os.fsync(fd)
            if cancel is not None:
                cancel.check()
            if os.path.lexists(p):
                if replace is None:
                    raise TargetExistsError(
                        f"{shown} appeared while it was being written: it is left as it "
                        "was (use --force to overwrite it)", appeared=True)
                replace(p)
                if not os.path.isdir(p) or os.path.islink(p):
                    raise AtomicWriteError(f"cannot write {shown}: it is not a folder")
                if exchange(tmp, p):
                    old = tmp  # the old folder now has the temporary name
                else:  # two renames: the old folder aside, then the new one in
                    old = folder / temporary_name(p.name, secrets.token_hex(4), ".old", limit)
                    os.rename(p, old)
                    try:
                        _rename_folder_noreplace(tmp, p)
                    except BaseException:
                        os.rename(old, p)
                        old = None
                        raise
            else:
                try:
                    _rename_folder_noreplace(tmp, p)
                except FileExistsError:
                    raise TargetExistsError(
                        f"{shown} appeared while it was being written: it is left as it "
                        "was (use --force to overwrite it)", appeared=True) from None
        except OSError as exc:
            raise AtomicWriteError(error_line(exc, p)) from None
    except BaseException:
        if old is None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if fd is not None:
            os.close(fd)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _fsync_folder(folder)
    return p


def _fsync_folder(folder: Path) -> None:
    """Make the new name durable (a crash after the rename keeps it); errors ignored."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["AtomicWriteError", "TargetExistsError", "write_atomic", "write_folder_atomic",
           "exchange", "check_name_fits",
           "remove_stale_temporaries", "temporary_name", "is_temporary_name", "rename_noreplace",
           "error_line", "name_max", "STALE_MIN_AGE_S"]
