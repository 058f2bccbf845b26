"""Dataclasses' generated methods compiled once per machine in the command's
process (stackdemux/dataclass_code.py): a class made with the code read from
rx.py's cache is the class `@dataclass` makes, and only the command's own
entry installs it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from stackdemux import dataclass_code, rx

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def hooked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """dataclasses with the hook, rx as in a process that read no cache yet;
    the compiles the hook makes are counted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(rx, "_known", None)
    monkeypatch.setattr(rx, "_used", set())
    monkeypatch.setattr(rx, "_new", True)  # (no atexit writer from a test)
    compiled: list[str] = []

    def counted(source: str, *args, **kwargs):
        compiled.append(source)
        return compile(source, *args, **kwargs)

    monkeypatch.setattr(dataclass_code, "compile", counted, raising=False)
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    dataclass_code.install()
    yield compiled
    monkeypatch.delattr(dataclasses, "exec")


def make() -> tuple[type, type]:
    """Two dataclasses as the model writes them: defaults, a factory, slots,
    an annotation the generated __init__ carries."""

    @dataclasses.dataclass
    class Call:
        func: str
        line: int | None = None
        args: list[str] = dataclasses.field(default_factory=list)
        _seen: tuple | None = dataclasses.field(default=None, repr=False, compare=False)

    @dataclasses.dataclass(slots=True, order=True)
    class Span:
        first: int
        last: int = 0

    return Call, Span


def behaviour(call: type, span: type) -> list:
    a, b = call("main.f", 3, ["0x1"]), call("main.f", 3, ["0x1"], _seen=("x",))
    return [repr(a), a == b, call("g").args is not call("g").args, repr(span(1, 2)),
            span(1, 2) < span(2, 0), span(4).last, call.__init__.__annotations__,
            span.__init__.__annotations__, call.__init__.__code__.co_filename]


def test_a_class_made_from_the_cache_is_the_class_dataclass_makes(hooked, monkeypatch):
    plain = behaviour(*_unhooked(monkeypatch))
    assert behaviour(*make()) == plain
    assert len(hooked) >= 5  # (none known yet: each compiled)
    rx._save()
    rx._known, rx._used = None, set()  # the next process
    hooked.clear()
    again = behaviour(*make())
    assert hooked == []  # read from the cache: nothing compiled
    assert again == plain
    # the fields' own annotations (this module's are strings), not the names the
    # generated source gives them (`_type_func`), as a compile that took this
    # module's `from __future__ import annotations` would make them
    assert plain[6] == {"func": "str", "line": "int | None", "args": "list[str]",
                        "_seen": "tuple | None", "return": None}


def _unhooked(monkeypatch: pytest.MonkeyPatch) -> tuple[type, type]:
    hook = vars(dataclasses)["exec"]
    monkeypatch.delattr(dataclasses, "exec")
    try:
        return make()
    finally:
        monkeypatch.setattr(dataclasses, "exec", hook, raising=False)


def test_only_the_command_installs_it():
    """A program that imports stackdemux (its API, the CLI's module) keeps
    dataclasses as it was; `python -m stackdemux` installs it first."""
    probe = ("import dataclasses, stackdemux.api, stackdemux.cli; "
             "print('exec' in vars(dataclasses))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT)}).stdout
    assert out.split() == ["False"]
    probe = ("import sys, dataclasses, stackdemux.entry as e, stackdemux.cli as c; "
             "c.main = lambda: print('exec' in vars(dataclasses)); "
             "sys.argv = ['stackdemux']; e.main()")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT)}).stdout
    assert out.split() == ["True"]
