"""The inputs hash of a job: what data, which scenario, which code.

Two jobs with the same inputs hash computed the same thing, so ``autarky run`` can report the
earlier job instead of solving again (unless ``--force``), and a sweep re-run skips variants that
are already done. The hash must therefore be

* stable across runs, machines and folders: only file names *relative to the dataset* and file
  bytes enter it, never absolute paths, timestamps or the order the filesystem lists files in;
* sensitive to everything that changes the answer: any data byte, a renamed table file, the
  scenario text, the code version (including uncommitted edits in a source checkout).

Excel lock files (``~$plan.xlsx``, present while a workbook is open) and hidden files
(``.DS_Store``, ``.~lock.*#``) are ignored, so opening the dataset in Excel does not change it.
Note that re-saving an unchanged workbook does change the ``.xlsx`` bytes, hence the hash.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HASH_SCHEME = b"autarky-inputs-v1"
"""Domain tag at the start of every hash; bump it if the encoding below ever changes."""

_GIT_TIMEOUT_S = 5.0


def inputs_hash(data: Path | Sequence[Path], scenario_text: str, code_version: str) -> str:
    """Hex sha256 of the dataset files, the scenario text and the code version.

    ``data`` is a dataset folder (every non-hidden file below it, recursively), one file (e.g. an
    ``.xlsx`` workbook) or a list of files. Files are named relative to the folder, or relative to
    the common parent of the given files, and hashed in sorted name order. Every field is
    length-prefixed, so no two different inputs share an encoding.

    >>> inputs_hash([], "budget: 10", "0.1.0") == inputs_hash([], "budget: 10", "0.1.0")
    True
    >>> inputs_hash([], "budget: 10", "0.1.0") == inputs_hash([], "budget: 11", "0.1.0")
    False
    """
    files = dataset_files(data)
    fields = [b"files:%d" % len(files)]
    for name, path in files:
        fields += [name.encode("utf-8"), _file_sha256(path)]
    fields += [scenario_text.encode("utf-8"), code_version.encode("utf-8")]
    return _sha256_fields(fields)


def dataset_files(data: Path | Sequence[Path]) -> list[tuple[str, Path]]:
    """``(relative posix name, path)`` of every file that enters the hash, sorted by name.

    A sequence may mix files and folders (e.g. the datasets of both plans of a race); a
    folder stands for its files, hidden and Office lock files left out."""
    if isinstance(data, Path):
        if data.is_dir():
            return sorted((n, p) for n, p in _folder_files(data))
        paths: list[Path] = [data]
    else:
        paths = []
        for item in data:
            paths += [p for _, p in sorted(_folder_files(item))] if item.is_dir() else [item]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"dataset file {p} does not exist or is not a file")
    if not paths:
        return []
    root = _common_parent(paths)
    pairs = sorted((p.absolute().relative_to(root).as_posix(), p) for p in paths)
    duplicates = sorted(n for n, count in Counter(n for n, _ in pairs).items() if count > 1)
    if duplicates:
        raise ValueError(f"dataset files listed more than once: {', '.join(duplicates)}")
    return pairs


@lru_cache(maxsize=1)
def code_version() -> str:
    """The installed autarky version, plus the git commit when running from a source checkout.

    ``"0.1.0"`` for an installed wheel or when git is unavailable; ``"0.1.0+git.<commit12>"``
    in a clean checkout; ``"...+git.<commit12>.dirty.<fp8>"`` when ``.py`` files are edited or
    added but not committed, where ``<fp8>`` fingerprints those edits, so a changed model never
    reuses results computed by the old one. Edits to non-Python files (docs) do not count.
    Never fails. Cached for the life of the process.
    """
    try:
        base = version("autarky")
    except PackageNotFoundError:
        base = "unknown"
    checkout = Path(__file__).resolve().parent.parent
    if not (checkout / "pyproject.toml").is_file() or not (checkout / ".git").exists():
        return base  # installed into site-packages: the version says it all
    commit = _git(checkout, "rev-parse", "HEAD")
    if not commit:
        return base
    label = f"{base}+git.{commit.strip()[:12]}"
    changes = _git(checkout, "status", "--porcelain", "-z", "--untracked-files=all", "--", "*.py")
    if changes:
        label += ".dirty." + _uncommitted_fingerprint(checkout, changes)[:8]
    return label


def _uncommitted_fingerprint(checkout: Path, porcelain_z_status: str) -> str:
    """Hash of the uncommitted edits to tracked ``.py`` files plus new untracked ``.py`` files.

    ``porcelain_z_status`` is ``git status --porcelain -z`` output: NUL-separated entries with
    paths relative to the repository root (``checkout``), unquoted.
    """
    diff = _git(checkout, "diff", "HEAD", "--no-color", "--no-ext-diff", "--", "*.py") or ""
    fields = [diff.encode("utf-8")]
    for entry in sorted(porcelain_z_status.split("\0")):
        if entry.startswith("?? "):
            name = entry[3:]
            try:
                content = _file_sha256(checkout / name)
            except OSError:  # deleted since git listed it; the name alone still counts
                content = b""
            fields += [name.encode("utf-8"), content]
    return _sha256_fields(fields)


def _folder_files(folder: Path) -> list[tuple[str, Path]]:
    """(name relative to ``folder``, path) of the files below it that belong to a dataset:
    regular files inside it (a link to a file elsewhere, a device such as /dev/zero or a pipe
    is no part of it: never hashed, never copied into a job's inputs)."""
    root = folder.resolve()
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file() and (not p.is_symlink() or p.resolve().is_relative_to(root))
    ]
    pairs = [(p.relative_to(folder).as_posix(), p) for p in found]
    return [(n, p) for n, p in pairs if not _ignored(n)]


def _ignored(relative_name: str) -> bool:
    """Hidden files/folders and Office lock files are not part of a dataset."""
    return any(part.startswith((".", "~$")) for part in relative_name.split("/"))


def _common_parent(paths: Iterable[Path]) -> Path:
    parents = [p.absolute().parent for p in paths]
    root = parents[0]
    while not all(p == root or root in p.parents for p in parents):
        root = root.parent
    return root


def _sha256_fields(fields: Iterable[bytes]) -> str:
    """Hex sha256 of the scheme tag and each field, every field prefixed by its length."""
    h = hashlib.sha256(HASH_SCHEME)
    for data in fields:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _file_sha256(path: Path) -> bytes:
    """Raw sha256 of a file's bytes, read in chunks so big workbooks do not fill memory."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def _git(cwd: Path, *args: str) -> str | None:
    """Output of ``git args`` in ``cwd``, or None if git is missing or fails."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
