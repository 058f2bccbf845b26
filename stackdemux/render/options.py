"""What a renderer may be asked to do, and whether the terminal wants colour."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

# GitHub refuses a step summary over 1 MiB; keep a margin for the truncation note.
GITHUB_SUMMARY_LIMIT = 1024 * 1024


@dataclass(slots=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False  # every goroutine bucket, frame arguments
    full_paths: bool = False  # keep paths as printed (no $GOROOT, module@version)
    width: int = 80  # terminal columns for the text renderer
    repo_root: str | None = None  # checkout the build paths are mapped into (github, sarif, ...)
    max_errors: int = 10  # GitHub shows at most 10 error annotations per step
    max_bytes: int = GITHUB_SUMMARY_LIMIT  # markdown output stays under this
    max_frames: int = 60  # frames shown per stack before "… N more"
    stop_token: str | None = None  # github: fixed ::stop-commands:: token (tests); random otherwise

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: object) -> RenderOptions:
        """Options with `repo_root` defaulting to `$GITHUB_WORKSPACE` (then `$CI_PROJECT_DIR`)."""
        env = os.environ if env is None else env
        options = cls(**kwargs)  # type: ignore[arg-type]
        if options.repo_root is None:
            options.repo_root = env.get("GITHUB_WORKSPACE") or env.get("CI_PROJECT_DIR") or None
        return options


def color_wanted(
    stream: IO[str] | IO[bytes] | None, flag: bool | None, env: Mapping[str, str] | None = None
) -> bool:
    """Whether to colour output written to `stream`.

    Order: an explicit `--color/--no-color` flag; then FORCE_COLOR (non-empty
    and not "0"/"false", per force-color.org: CI logs are not TTYs but render
    ANSI); then NO_COLOR (non-empty, per no-color.org); then whether `stream`
    is a terminal that is not TERM=dumb.
    """
    if flag is not None:
        return flag
    env = os.environ if env is None else env
    force = env.get("FORCE_COLOR")
    if force and force.strip().lower() not in ("0", "false", "no", "off"):
        return True
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def terminal_width(stream: IO[str] | IO[bytes] | None, env: Mapping[str, str] | None = None,
                   default: int = 80) -> int:
    """Columns of the terminal the text report is written to: `COLUMNS` if set,
    else the terminal's own size. A report written to a pipe or a file keeps
    `default`, whatever the terminal that ran it (the same log gives the same
    file)."""
    isatty = getattr(stream, "isatty", None)
    try:
        if not (isatty and isatty()):
            return default
    except (ValueError, OSError):  # a closed or detached stream
        return default
    env = os.environ if env is None else env
    columns = (env.get("COLUMNS") or "").strip()
    if columns.isascii() and columns.isdigit() and 0 < len(columns) < 7 and int(columns) > 0:
        # (`²` is a digit to isdigit(), none to int())
        return max(int(columns), 40)
    try:
        return max(os.get_terminal_size(stream.fileno()).columns, 40)  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return default
