"""The files of a documentation folder, without leaving it through symbolic links.

Whatever ingestion reads becomes a citable help article and is sent to model providers, so
a link that leads out of the folder (``guides/passwd.md -> /etc/passwd``, a ``shared ->
/srv/elsewhere`` directory) is refused: the whole folder is refused before anything is
written, and each such link is named by its path inside the folder. A link whose target
stays inside the folder is skipped: the target is read under its own path, so nothing is
indexed twice and a link back up the tree cannot loop.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from backend.errors import InputError


def doc_files(folder: Path, suffixes: Collection[str]) -> list[Path]:
    """The regular files under ``folder`` with one of ``suffixes``, sorted by path.

    Raises InputError naming every symbolic link that would be read (a file with one of the
    suffixes, or a directory) and whose target is outside the folder.
    """
    root = folder.resolve()
    files, leaving = [], []
    for path in _walk(folder):
        wanted = path.suffix.lower() in suffixes
        if not path.is_symlink():
            if wanted and path.is_file():
                files.append(path)
        elif (wanted or path.is_dir()) and not _inside(path, root):
            leaving.append(path)
    if leaving:
        raise InputError(_leaving_message(folder, leaving))
    return sorted(files)


def _inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop: it leads nowhere inside the folder
        return False


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under the folder; linked directories are listed, never entered."""
    for path in sorted(folder.iterdir()):
        yield path
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path)


def _leaving_message(folder: Path, links: list[Path]) -> str:
    named = ", ".join(
        f"{link.relative_to(folder).as_posix()} ({'a directory' if link.is_dir() else 'a file'})"
        for link in links
    )
    if len(links) == 1:
        lead = "a symbolic link leads"
        fix = "Replace it with a copy of what it points to, or remove it."
    else:
        lead = f"{len(links)} symbolic links lead"
        fix = "Replace them with copies of what they point to, or remove them."
    return f"{lead} out of the folder, so nothing was ingested: {named}. {fix}"
