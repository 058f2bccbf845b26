"""A stable id for a crash: the same bug gets the same fingerprint across
processes, log positions, builds and Go versions.

It hashes the group's title and the names of the functions on the crashing
path, from the culprit outwards, that are not the standard library's. What is
left out, and why:

- line numbers, pc offsets, argument values, goroutine ids, wait times: they
  change with every edit, build and run (and so a value the demultiplexer
  could not decide, Report.unsure, changes no fingerprint, except a function:
  a frame whose function is unsure is left out of the route);
- standard-library frames other than the culprit: Go versions rename, inline
  and reshuffle them (net/http's serve loop, time.Sleep's home, …);
- closure and wrapper numbers: Go 1.21 named the wrappers of `go f(x)`
  statements `gowrapN` where older Go said `funcN`, and since they no longer
  take a `funcN` number the closures after them were renumbered too; 1.22 added
  `deferwrapN`, 1.23 `-rangeN`. So `F.func3`, `F.gowrap1`, `F.deferwrap2` all
  read `F.func`, and `F.func2.1` reads `F.func.func` (nesting depth is kept);
- generic instantiation `[...]`, and a GOPATH vendoring prefix
  (`github.com/x/app/vendor/go.etcd.io/bbolt.F` reads `go.etcd.io/bbolt.F`).

What changes it: a different title (another message), a different culprit
function, a different route through the program's own or its dependencies'
functions. Recursion counts only once (each function is listed once), so a
stack overflow whose printed depth varies keeps its fingerprint.

A change here, or in what feeds it (the title, the culprit), that changes any
input's fingerprint bumps model.FINGERPRINT_SCHEME (tests/fingerprints.json).
"""

from __future__ import annotations

import hashlib

from stackdemux.model import Frame

from .. import rx

_WRAPPER = rx.compile(r"(?:func|gowrap|deferwrap)\d+")
_RANGE = rx.compile(r"-range\d+")
_GENERIC = rx.compile(r"\[[^\[\]]*\]")
_USER_FRAMES = 8  # enough to tell routes apart, few enough to ignore far-away entry code


def normalise_function(name: str) -> str:
    """A function name without the parts that vary between builds and Go versions."""
    cut = name.rfind("/vendor/")
    if cut >= 0:
        name = name[cut + len("/vendor/") :]
    if "[" in name:
        name = _GENERIC.sub("", name)
    if "." in name:
        slash = name.rfind("/")
        dot = name.find(".", slash + 1)
        words: list[str] = []
        for word in name[dot + 1 :].split("."):
            if word.isdigit():
                # init.0 (the nth init func) drops; F.func2.1 (a nested closure) stays one.
                if words and words[-1] != "init":
                    words.append("func")
            elif _WRAPPER.fullmatch(word):
                words.append("func")
            else:
                words.append(_RANGE.sub("-range", word))
        name = name[: dot + 1] + ".".join(words)
    return name


def route(frames: list[Frame], culprit_index: int, elided_at: int | None = None) -> list[str]:
    """The normalised function names the fingerprint covers, culprit first.

    A deep stack is cut differently by Go versions (≤ 1.20: the top 100 frames
    then `...additional frames elided...`; 1.21+: top 50, `...N frames
    elided...`, bottom 50), so only the frames above the cut count."""
    names: list[str] = []
    seen: set[str] = set()
    end = elided_at if elided_at is not None else len(frames)
    for i, frame in enumerate(frames[culprit_index:end]):
        if (i and frame.origin == "stdlib") or not frame.func or "func" in frame.unsure:
            # (a caller list's frame names no function: callers.py; a function another
            # reading of a write-level merge reads otherwise is not known: Report.unsure)
            continue
        name = normalise_function(frame.func)
        if name not in seen:
            seen.add(name)
            names.append(name)
            if len(names) == _USER_FRAMES:
                break
    return names


def fingerprint(title: str, names: list[str]) -> str:
    """sha256 of the title and route, 16 hex digits."""
    text = "\n".join([title, *names])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
