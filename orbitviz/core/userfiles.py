"""Files the user names (element sets, shot files): read safely, refused in one line.

- **Regular files only.** A FIFO, a device (``/dev/zero``), a socket or a folder is refused at
  once. The file is opened with ``O_NONBLOCK``, so opening a FIFO never waits for a writer,
  and checked with ``fstat`` on the open descriptor, so what is checked is what is read.
- **Size caps** (bytes, below; the README lists them). A file over its cap is refused before
  anything is read, and reading stops at the cap should the file grow meanwhile.
- **JSON** is decoded by :func:`loads_json` under a nesting-depth cap (checked before the
  decoder, which recurses), with integers of at most :data:`MAX_JSON_INT_DIGITS` digits, no
  ``NaN`` or ``Infinity``, and no number that overflows a double (``1e400``).
- **Messages** quote user text with :func:`quote` (``repr``: a newline shows as ``\\n``, so the
  message stays one line) and shorten it; :func:`one_line` does the same for paths only when
  they need it.

No Qt here.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat

import numpy as np

MIB = 1024 * 1024
#: Largest element-set file (TLE/3LE, OMM JSON/XML/CSV), bytes: CelesTrak's whole catalogue
#: (about 30,000 objects) is about 40 MB as OMM XML, the most verbose form.
MAX_ELEMENT_FILE_BYTES = 256 * MIB
#: Largest saved-shots file, bytes (a shot is about 1 kB: room for thousands).
MAX_SHOTS_FILE_BYTES = 16 * MIB
#: Deepest JSON nesting read (an OMM list of records is 2 deep, a shot file about 5).
MAX_JSON_DEPTH = 64
#: Most digits of a JSON integer (a 64-bit integer has 20; beyond 40 nothing is meaningful).
MAX_JSON_INT_DIGITS = 40

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class UserFileError(ValueError):
    """A user file that cannot be read or decoded; the message is one line."""


def quote(text, limit: int = 60) -> str:
    """``text`` as ``repr`` quotes it (one line: control characters escaped), cut after
    ``limit`` characters with the full length said."""
    s = str(text)
    if len(s) <= limit:
        return repr(s)
    return f"{s[:limit]!r}… ({len(s):,} characters)"


def brief(value, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut after ``limit`` characters (a value read from a
    file may be a long text or a large list)."""
    if isinstance(value, str):
        return quote(value, limit)
    r = repr(value)
    return r if len(r) <= limit else r[:limit] + "…"


def one_line(text, limit: int = 200) -> str:
    """``text`` unchanged when it is printable and at most ``limit`` characters, else
    :func:`quote` of it (for paths in messages: ordinary ones read as they are)."""
    s = str(text)
    if len(s) <= limit and s.isprintable():
        return s
    return quote(s, limit)


def _size_text(n: int) -> str:
    return f"{n / MIB:,.0f} MiB" if n >= MIB else f"{n:,} bytes"


def read_user_file(path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    ``what`` names the kind of file in messages (``element-set file``). Raises
    :class:`UserFileError` with one line naming the path for a file that is missing,
    unreadable, not a regular file, or larger than ``max_bytes``.
    """
    shown = one_line(os.fspath(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UserFileError(f"cannot read {shown}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
            raise UserFileError(f"cannot read {shown}: it is {kind}, not a regular file")
        if st.st_size > max_bytes:
            raise UserFileError(f"cannot read {shown}: it is {_size_text(st.st_size)}, and "
                                f"{what}s are read up to {_size_text(max_bytes)}")
        chunks, total = [], 0
        while True:
            try:
                chunk = os.read(fd, min(max_bytes + 1 - total, 4 * MIB))
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EINTR):
                    continue
                raise UserFileError(f"cannot read {shown}: {exc.strerror or exc}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UserFileError(f"cannot read {shown}: it grew past "
                                    f"{_size_text(max_bytes)}, and {what}s are read up to "
                                    "that")
        return b"".join(chunks)
    finally:
        os.close(fd)


# -- JSON ---------------------------------------------------------------------------------
def json_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings in JSON ``text`` (0 when
    flat). Linear time in array operations, and no recursion."""
    arr = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    quotes = np.flatnonzero(arr == 0x22)
    escaped = quotes[(quotes > 0) & (arr[np.maximum(quotes - 1, 0)] == 0x5C)]
    if escaped.size:  # a quote after an odd run of backslashes is inside a string
        drop = []
        for q in escaped.tolist():
            k = q - 1
            while k >= 0 and arr[k] == 0x5C:
                k -= 1
            if (q - 1 - k) % 2:
                drop.append(q)
        quotes = np.setdiff1d(quotes, np.asarray(drop, dtype=quotes.dtype))
    opens = np.flatnonzero((arr == 0x5B) | (arr == 0x7B))
    closes = np.flatnonzero((arr == 0x5D) | (arr == 0x7D))
    idx = np.concatenate([opens, closes])
    step = np.concatenate([np.ones(opens.size, np.int32), -np.ones(closes.size, np.int32)])
    outside = np.searchsorted(quotes, idx) % 2 == 0  # an even number of quotes before it
    idx, step = idx[outside], step[outside]
    if idx.size == 0:
        return 0
    order = np.argsort(idx, kind="stable")
    return max(int(step[order].cumsum().max()), 0)


def check_json_depth(text: str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise :class:`UserFileError` when ``text`` nests deeper than ``max_depth``."""
    depth = json_depth(text)
    if depth > max_depth:
        raise UserFileError(f"nested {depth:,} deep; at most {max_depth} levels are read")


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_JSON_INT_DIGITS:
        raise UserFileError(f"a number with {digits:,} digits; at most "
                            f"{MAX_JSON_INT_DIGITS} are read")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UserFileError(f"the number {quote(text, 30)} is too large for a double")
    return value


def _constant(name: str):
    raise UserFileError(f"{name} is not a number JSON allows")


def loads_json(text: str, max_depth: int = MAX_JSON_DEPTH):
    """Strict JSON: depth at most ``max_depth``, integers of at most
    :data:`MAX_JSON_INT_DIGITS` digits, finite numbers only. Raises
    :class:`UserFileError` for anything else, including a syntax error: its message is the
    reason in a few words (``Expecting value at line 3, column 5``), without the file's
    name, for the caller to put after it."""
    check_json_depth(text, max_depth)
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise UserFileError(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:  # depth was checked; this is a last guard only
        raise UserFileError("nested too deeply") from None


def lenient_float(text: str):
    """``parse_float`` to go with :func:`lenient_int`: a number that overflows a double
    (``1e400``) is kept as its text, so the record's check names it as written."""
    value = float(text)
    return value if math.isfinite(value) else text


def lenient_int(text: str):
    """``parse_int`` for JSON whose records are checked one by one: an integer of more
    than :data:`MAX_JSON_INT_DIGITS` digits is kept as its text (the record's own check
    then refuses it) instead of being converted, which is slow and limited in Python."""
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        return text
    return int(text)


__all__ = ["UserFileError", "read_user_file", "loads_json", "check_json_depth", "json_depth",
           "lenient_int", "lenient_float", "quote", "brief", "one_line", "MAX_ELEMENT_FILE_BYTES",
           "MAX_SHOTS_FILE_BYTES", "MAX_JSON_DEPTH", "MAX_JSON_INT_DIGITS"]
