"""Run an install command with one line of progress instead of pip's scroll of lines.

    python tools/install.py "what is installed" "about how long" -- CMD ...

Says what is being installed and roughly how long it takes, shows a spinner with the package
pip is working on and the elapsed time (rich, vendored in pip, so it works before anything is
installed), and ends with one line. On failure the command's full output is printed and its
exit code returned. Standard library (+ pip's vendored rich when present) only.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

STEP = re.compile(
    r"^(Collecting|Downloading|Building wheel for|Installing collected|Obtaining)\s*(\S*)"
)


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") < 2:
        sys.stderr.write(__doc__ or "")
        return 2
    split = argv.index("--")
    what, how_long = argv[0], argv[1]
    cmd = argv[split + 1 :]
    sys.stdout.write(f"Installing {what} ({how_long}, once)\n")
    sys.stdout.flush()
    t0 = time.perf_counter()
    lines: list[str] = []
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    status = _status()
    with status as show:
        for line in proc.stdout:
            lines.append(line)
            m = STEP.match(line.strip())
            if m:
                show(f"{m.group(1).lower()} {m.group(2)}".strip())
    code = proc.wait()
    took = time.perf_counter() - t0
    if code != 0:
        sys.stdout.write("".join(lines))
        sys.stdout.write(f"install failed after {took:.0f} s (exit {code})\n")
        return code
    sys.stdout.write(f"Installed {what} in {took:.0f} s\n")
    return 0


class _status:
    """A transient rich spinner with elapsed seconds, or nothing when rich is unavailable or
    the output is not a terminal."""

    def __enter__(self):  # noqa: ANN204
        self.progress = None
        if not sys.stdout.isatty():
            return lambda _text: None
        try:
            from pip._vendor.rich.progress import (
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
        except ImportError:
            return lambda _text: None
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
        )
        self.progress.__enter__()
        task = self.progress.add_task("starting", total=None)
        return lambda text: self.progress.update(task, description=text[:60])

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
