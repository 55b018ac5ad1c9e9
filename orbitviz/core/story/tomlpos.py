"""Where each key of a TOML document is written: the line numbers :mod:`tomllib` does not give.

:func:`key_lines` scans a document that :func:`tomllib.loads` has already accepted and
returns, for every key path, the line (1-based) where its key is written: ``("story",
"title")``, ``("shots", 2, "duration_s")``, ``("shots", 0, "ease", 1, "at")``. Arrays of
tables (``[[shots]]``) and array elements are indexed from 0, as in the parsed document;
a table's own path maps to its header's line. :meth:`Positions.line` falls back to the
nearest enclosing path, so any path into the parsed document finds a line.

The scanner follows the TOML 1.0 grammar closely enough for valid documents: comments,
bare/quoted/dotted keys, table and array-of-tables headers, the four kinds of strings
(including multi-line ones), inline tables and arrays spread over lines. It does not
validate; :mod:`tomllib` did that.
"""

from __future__ import annotations

import bisect
import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_WS = " \t"


class Positions:
    """Key paths of one document and the lines they are written on."""

    def __init__(self, lines: dict[tuple, int], n_lines: int):
        self.lines = lines
        self.n_lines = n_lines

    def line(self, path) -> int:
        """The line of ``path`` or of its nearest enclosing path that is written (1 for the
        document itself)."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return 1

    def __contains__(self, path) -> bool:
        return tuple(path) in self.lines


class _Scanner:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.n = len(text)
        self._nl = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[tuple, int] = {}
        self._aot: dict[tuple, int] = {}  # array-of-tables path -> count so far

    # -- positions -------------------------------------------------------------------------
    def lineno(self, i: int | None = None) -> int:
        return bisect.bisect_right(self._nl, (self.i if i is None else i) - 1) + 1

    def mark(self, path: tuple, i: int | None = None) -> None:
        self.lines.setdefault(path, self.lineno(i))

    # -- characters ------------------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < self.n else ""

    def skip_ws(self) -> None:
        while self.i < self.n and self.s[self.i] in _WS:
            self.i += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            while self.i < self.n and self.s[self.i] != "\n":
                self.i += 1

    def skip_ws_comments_newlines(self) -> None:
        while self.i < self.n:
            c = self.s[self.i]
            if c in _WS or c in "\r\n":
                self.i += 1
            elif c == "#":
                self.skip_comment()
            else:
                return

    def to_line_end(self) -> None:
        self.skip_ws()
        self.skip_comment()
        while self.i < self.n and self.s[self.i] != "\n":
            self.i += 1

    # -- keys ------------------------------------------------------------------------------
    def key(self) -> list[str]:
        """A dotted key at the cursor, as its parts."""
        parts = []
        while True:
            self.skip_ws()
            c = self.peek()
            if c == '"':
                parts.append(self.basic_string())
            elif c == "'":
                parts.append(self.literal_string())
            else:
                m = _BARE.match(self.s, self.i)
                if not m:
                    break
                parts.append(m.group(0))
                self.i = m.end()
            self.skip_ws()
            if self.peek() == ".":
                self.i += 1
                continue
            break
        return parts

    # -- strings ---------------------------------------------------------------------------
    def basic_string(self) -> str:
        if self.s.startswith('"""', self.i):
            return self._multi('"""', escapes=True)
        self.i += 1
        out = []
        while self.i < self.n and self.s[self.i] != '"':
            if self.s[self.i] == "\\":
                out.append(self._escape())
            else:
                out.append(self.s[self.i])
                self.i += 1
        self.i += 1
        return "".join(out)

    def literal_string(self) -> str:
        if self.s.startswith("'''", self.i):
            return self._multi("'''", escapes=False)
        j = self.s.index("'", self.i + 1)
        text = self.s[self.i + 1:j]
        self.i = j + 1
        return text

    def _escape(self) -> str:
        c = self.peek(1)
        simple = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
        if c in simple:
            self.i += 2
            return simple[c]
        if c in "uU":
            k = 4 if c == "u" else 8
            text = chr(int(self.s[self.i + 2:self.i + 2 + k], 16))
            self.i += 2 + k
            return text
        # a line-ending backslash in a multi-line string: skip the break and the blanks
        self.i += 1
        while self.i < self.n and self.s[self.i] in " \t\r\n":
            self.i += 1
        return ""

    def _multi(self, quote: str, escapes: bool) -> str:
        self.i += 3
        out = []
        while self.i < self.n:
            if self.s.startswith(quote, self.i):
                # up to two more quote characters belong to the content ("""a"""" is a")
                extra = 0
                while extra < 2 and self.s.startswith(quote[0], self.i + 3 + extra):
                    extra += 1
                out.append(quote[0] * extra)
                self.i += 3 + extra
                return "".join(out)
            if escapes and self.s[self.i] == "\\":
                out.append(self._escape())
            else:
                out.append(self.s[self.i])
                self.i += 1
        return "".join(out)

    # -- values ----------------------------------------------------------------------------
    def value(self, path: tuple) -> None:
        """Skip the value at the cursor, marking the keys and elements inside it."""
        self.skip_ws()
        c = self.peek()
        if c == '"':
            self.basic_string()
        elif c == "'":
            self.literal_string()
        elif c == "[":
            self.array(path)
        elif c == "{":
            self.inline_table(path)
        else:  # number, bool, date-time: up to a separator
            while self.i < self.n and self.s[self.i] not in ",]}#\n":
                self.i += 1

    def array(self, path: tuple) -> None:
        self.i += 1
        k = 0
        while True:
            self.skip_ws_comments_newlines()
            if self.peek() in ("]", ""):
                self.i += 1
                return
            self.mark(path + (k,))
            self.value(path + (k,))
            k += 1
            self.skip_ws_comments_newlines()
            if self.peek() == ",":
                self.i += 1

    def inline_table(self, path: tuple) -> None:
        self.i += 1
        while True:
            self.skip_ws()
            if self.peek() in ("}", ""):
                self.i += 1
                return
            start = self.i
            parts = self.key()
            full = path + tuple(parts)
            for j in range(1, len(parts) + 1):
                self.mark(path + tuple(parts[:j]), start)
            self.skip_ws()
            self.i += 1  # "="
            self.value(full)
            self.skip_ws()
            if self.peek() == ",":
                self.i += 1

    # -- the document ----------------------------------------------------------------------
    def resolve(self, parts: list[str]) -> tuple:
        """The indexed path of a header's key: every array of tables on the way stands for
        its latest element."""
        path: tuple = ()
        for part in parts:
            path += (part,)
            if path in self._aot:
                path += (self._aot[path] - 1,)
        return path

    def document(self) -> dict[tuple, int]:
        table: tuple = ()
        while True:
            self.skip_ws_comments_newlines()
            if self.i >= self.n:
                return self.lines
            start = self.i
            if self.s.startswith("[[", self.i):
                self.i += 2
                parts = self.key()
                parent = self.resolve(parts[:-1]) + (parts[-1],)
                count = self._aot.get(parent, 0)
                self._aot[parent] = count + 1
                table = parent + (count,)
                self.mark(parent, start)
                self.mark(table, start)
                self.i = self.s.index("]]", self.i) + 2
            elif self.peek() == "[":
                self.i += 1
                parts = self.key()
                table = self.resolve(parts)
                self.mark(table, start)
                self.i = self.s.index("]", self.i) + 1
            else:
                parts = self.key()
                for j in range(1, len(parts) + 1):
                    self.mark(table + tuple(parts[:j]), start)
                self.skip_ws()
                self.i += 1  # "="
                self.value(table + tuple(parts))
            self.to_line_end()


def key_lines(text: str) -> Positions:
    """The :class:`Positions` of every key, table header and array element of ``text`` (a
    TOML document :func:`tomllib.loads` accepts)."""
    return Positions(_Scanner(text).document(), text.count("\n") + 1)


__all__ = ["Positions", "key_lines"]
