"""Logging libraries that panic on their caller's behalf.

zap's `Panic`, `DPanic` and `Panicw`, and logrus's `Panic`, `Panicf`, log the
caller's message and then panic, as the log package's Panic functions do: the
stack's top frames are the logger's (zapcore's `(*CheckedEntry).Write`,
logrus's `Entry.log`), and the code to blame is the caller that chose to panic.
Seen in real pastes: zap#1170 (`Panicw` below `CheckWriteAction.OnWrite`),
logrus#1010 (`Entry.Panic` below `Entry.log`), cert-utils-operator#115
(go-logr/zapr's `handleFields` calling zap's `DPanic` on odd key-value pairs).
zerolog's `Panic()` returns an event whose `Msg` panics through a closure of
Panic's (`github.com/rs/zerolog.(*Logger).Panic.func1`, then `(*Event).msg` and
`(*Event).Msg`: SREGym#506, a pod's `PNC … > no reachable servers`).

Only a run of such frames that holds a Panic function is the logger raising: a
fault inside a logger's encoder (a nil func in its config) is the logger's own.

Go prints no `panic` frame on top of a crashing goroutine (runtime.gopanic is
shown only below other frames), so a goroutine `[running]` whose top frame is
such a function was panicking: a pasted goroutine with no `panic:` line above
it is a crash whose first line was left out (downloadbot#60, GFuzz#2).
"""

from __future__ import annotations

from stackdemux.model import Frame

# The log package's Panic functions format a message and panic with it on
# behalf of their caller, as panic itself does.
LOG_PANICS = frozenset(f"log.{recv}Panic{kind}" for recv in ("", "(*Logger).")
                       for kind in ("", "f", "ln"))

# The packages (as printed in a function's symbol) of loggers that panic for their
# caller; go-logr/zapr forwards to zap's DPanic for its own caller's misuse.
_LOGGERS = frozenset(("go.uber.org/zap", "go.uber.org/zap/zapcore",
                      "github.com/sirupsen/logrus", "github.com/Sirupsen/logrus",
                      "github.com/go-logr/zapr", "github.com/rs/zerolog"))


def _package(func: str) -> str:
    dot = func.find(".", func.rfind("/") + 1)
    return func[:dot] if dot > 0 else func


def is_logger(func: str) -> bool:
    """A frame of one of those loggers (vendored in a GOPATH tree too)."""
    package = _package(func)
    if package in _LOGGERS:
        return True
    at = package.rfind("/vendor/")
    return at >= 0 and package[at + len("/vendor/"):] in _LOGGERS


def _panics(func: str) -> bool:
    """One of a logger's Panic functions (`Panic`, `Panicf`, `Panicw`, `DPanic`…),
    or a closure of one (zerolog's `(*Logger).Panic.func1`)."""
    names = func[func.rfind("/") + 1:].split(".")[1:]  # (after the package)
    while len(names) > 1 and names[-1].startswith("func") and names[-1][4:].isdigit():
        names.pop()
    return bool(names) and names[-1].startswith(("Panic", "DPanic"))


def past_logger(frames: list[Frame], at: int) -> int:
    """The index past the run of logger frames starting at `at` where that run
    holds a Panic function (the logger raised for its caller); `at` otherwise."""
    end = at
    while end < len(frames) and frames[end].func and is_logger(frames[end].func):
        end += 1
    if any(_panics(frames[i].func) for i in range(at, end)):
        return end
    return at


def raised_by_logger(frames: list[Frame]) -> bool:
    """Whether the stack's top frames are a logger panicking for its caller: the
    log package's Panic, or a run of zap's or logrus's frames with a Panic in it."""
    return bool(frames) and (frames[0].func in LOG_PANICS or past_logger(frames, 0) > 0)
