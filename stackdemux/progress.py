"""A progress line on stderr for runs that take more than a second.

The pipeline reports which stage it is in and how far (`Progress.update`);
nothing is drawn until a second has passed, so quick runs print nothing, and
nothing is drawn unless stderr is a terminal: a CI log gets no spinner noise.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

_BAR = 24


class Progress:
    """Draws `stage [#####·····] 42%` from a background thread, after a delay."""

    def __init__(self, stream: TextIO | None = None, delay: float = 1.0,
                 interval: float = 0.1, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        if self.stream is None:  # (`stackdemux log 2>&-`: Python leaves sys.stderr None)
            enabled = False
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.delay = delay
        self.interval = interval
        self.stage = "reading"
        self.fraction: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False
        self._start = time.monotonic()

    def update(self, stage: str, fraction: float | None = None) -> None:
        self.stage, self.fraction = stage, fraction

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="stackdemux-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._drawn:
            self.stream.write("\r\x1b[2K")  # leave the terminal as we found it
            self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self._draw()
            self._stop.wait(self.interval)

    def _draw(self) -> None:
        from .render.sanitize import clean  # (a stage names an input: its name is any bytes)

        elapsed = time.monotonic() - self._start
        stage = clean(self.stage)
        if self.fraction is None:
            text = f"stackdemux: {stage}… {elapsed:.1f}s"
        else:
            done = max(0, min(_BAR, round(self.fraction * _BAR)))
            text = (f"stackdemux: {stage} [{'#' * done}{'·' * (_BAR - done)}] "
                    f"{self.fraction:4.0%} {elapsed:.1f}s")
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self._drawn = True


class NoProgress:
    """Stands in where nobody watches (the Python API)."""

    def update(self, stage: str, fraction: float | None = None) -> None:
        return None
