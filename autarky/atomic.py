"""Write-then-rename helpers: a file either appears complete at its final path or not at all.

Every output an analyst opens (plans, reports, JSON summaries) goes through :func:`atomic_write`,
so an interrupted or failed run never leaves a half-written workbook behind, and a re-run that
fails never destroys the previous good file.

The temporary file lives in the same folder as the final file (so :func:`os.replace` is an atomic
rename on one filesystem), is hidden, and keeps the final suffix so that writers which infer the
format from the extension (``pandas.DataFrame.to_excel``, ``openpyxl``) still work::

    plan.xlsx  ->  .plan.tmp-1f3a9c0b.xlsx  ->  (os.replace)  ->  plan.xlsx
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TEMP_MARKER = ".tmp-"
"""Part of every temporary name; ``.*.tmp-*`` matches leftovers of a crashed process."""


def temp_path_for(path: Path) -> Path:
    """A fresh hidden temporary path next to ``path``, with the same suffix.

    >>> tmp = temp_path_for(Path("out/plan.xlsx"))
    >>> tmp.parent.name, tmp.name[:10], tmp.suffix, len(tmp.name) == len(".plan.tmp-1f3a9c0b.xlsx")
    ('out', '.plan.tmp-', '.xlsx', True)
    """
    return path.with_name(f".{path.stem}{TEMP_MARKER}{secrets.token_hex(4)}{path.suffix}")


@contextmanager
def atomic_write(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path; on success fsync it and rename it onto ``path``.

    The block must create the file at the yielded path (open it, ``to_excel`` it, ...). If the
    block raises anything, ``KeyboardInterrupt`` included, the temporary file is removed, the
    exception propagates and ``path`` is left exactly as it was (absent, or the old content).
    The parent folder must exist.
    """
    final = Path(path)
    if not final.parent.is_dir():
        raise FileNotFoundError(f"cannot write {final}: folder {final.parent} does not exist")
    tmp = temp_path_for(final)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(
                f"atomic write of {final}: the block finished without creating {tmp}"
            )
        _fsync_file(tmp)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the final path."""
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically, byte for byte (no newline translation)."""
    with atomic_write(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def write_json_atomic(path: Path | str, obj: Any, indent: int = 2) -> Path:
    """Write ``obj`` as UTF-8 JSON to ``path`` atomically, ending in a newline.

    Strict JSON: NaN and infinities raise ``ValueError`` (other tools cannot read them), and
    objects JSON cannot represent (``Path``, ``datetime``) raise ``TypeError``; convert first.
    """
    text = json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write_text(path, text)


def _fsync_file(path: Path) -> None:
    """Flush the file's data to disk, so the rename never exposes an empty file after a crash."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Flush the folder entry so the rename itself survives a crash (POSIX only)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
