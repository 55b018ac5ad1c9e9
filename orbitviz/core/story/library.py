"""The stories that ship with orbitviz (``assets/stories/*.toml``) and finding a story by
name or path: what ``orbitviz film --list`` and ``orbitviz film NAME`` need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orbitviz.core.assets import asset_path
from orbitviz.core.story.context import StoryContext
from orbitviz.core.story.errors import StoryError
from orbitviz.core.story.load import load_story


def stories_folder() -> Path:
    """``assets/stories/``."""
    return asset_path("stories")


def shipped_stories(folder: Path | None = None) -> list[Path]:
    """The story files that ship, sorted by name."""
    root = Path(folder) if folder is not None else stories_folder()
    return sorted(root.glob("*.toml")) if root.is_dir() else []


def find_story(name_or_path, folder: Path | None = None) -> Path:
    """The file of a story: an existing path (``my-film.toml``) or the name of a shipped
    story (``challenge``). Raises :class:`StoryError`."""
    text = str(name_or_path)
    p = Path(text)
    if p.is_file():
        return p
    for f in shipped_stories(folder):
        if f.stem == text or f.name == text:
            return f
    known = ", ".join(f.stem for f in shipped_stories(folder)) or "none"
    raise StoryError(f"no story file or shipped story named '{text}' (shipped: {known})")


@dataclass(frozen=True)
class StoryInfo:
    """One line of ``orbitviz film --list``: ``name`` (to pass to ``orbitviz film``),
    ``title``, ``duration_s`` (seconds of video), ``shots`` (how many) and ``path``."""

    name: str
    title: str
    duration_s: float
    shots: int
    path: Path


def list_stories(context: StoryContext, folder: Path | None = None) -> list[StoryInfo]:
    """The shipped stories, each read and checked against ``context``; a story that does not
    load raises its :class:`StoryError`."""
    out = []
    for f in shipped_stories(folder):
        story = load_story(f, context)
        out.append(StoryInfo(f.stem, story.title, story.duration_s, len(story.shots), f))
    return out


__all__ = ["stories_folder", "shipped_stories", "find_story", "StoryInfo", "list_stories"]
