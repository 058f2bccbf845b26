"""What a mixture of processes' writes still names: its Go source files, and
the go tests that failed.

Where the write layer cannot tell processes' writes apart, their tracebacks
are lost, but not their file paths: the runtime prints each path in one
write, so it stands whole however the writes mix (`…/bbolt/cursor.go` glued
to another process's `running`). The files outside GOROOT say which code the
crashes ran through: what someone grepping `vendor/…/copy.go:766` out of the
mess by hand was looking for. Likewise go test's own lines (`--- FAIL: TestX
(0.01s)`, cmd/go's `FAIL\tpkg\t0.02s`), each one write: which test binary
printed which is seldom told, but that those tests failed is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .. import rx
from .evidence import goroot

# Runs of characters a path may hold; the writes around a path (`(`, `:`, a
# space, `?`, a brace) end it. No nested quantifier: linear in the text.
_WORD = rx.compile(r"[^\s:()\[\]{},?]+")
# What another process's write glued before a path: digits, an address.
_JUNK = rx.compile(r"(?:0x)?[0-9a-fA-F]*")


def source_files(texts: Iterable[str]) -> list[tuple[str, int]]:
    """The `.go` files named in `texts` outside GOROOT, with how often: most
    named first."""
    counts: Counter[str] = Counter()
    for text in texts:
        if ".go" not in text:
            continue
        for word in _WORD.findall(text):
            counts.update(_paths(word))
    return _merged(counts)


def _paths(word: str) -> list[str]:
    out = []
    end = word.find(".go")
    while end >= 0:
        path, word = word[: end + 3].lstrip(_LEADING), word[end + 3:]
        slash = path.find("/")
        if slash > 0 and _JUNK.fullmatch(path[:slash]):
            path = path[slash:]  # `1/opt/…`: the `1` was another write
        if slash >= 0 and goroot(path) is None and not _std_behind_glue(path):
            out.append(path)
        end = word.find(".go")
    return out


def _std_behind_glue(path: str) -> bool:
    """A -trimpath GOROOT file behind values glued to it (`fp=0xc0000447a0sync/mutex.go`,
    `parkruntime/proc.go`): its first directory ends with a standard one."""
    slash = path.find("/")
    # (the longest standard directory is a dozen letters: no need to look further back)
    return slash > 0 and any(goroot(path[k:]) == "" for k in range(max(1, slash - 16), slash))


# Characters no path begins with: what the runtime prints before a write
# that another process's path followed (` +`, `pc=`, `...`).
_LEADING = "+=.*&|#$%!~^'\"\\"


def _merged(counts: Counter[str]) -> list[tuple[str, int]]:
    """A path glued to the end of another write (`.Waitexample.com/app/main.go`,
    `+/app/main.go`) counts for the path it ends with, when that one is named
    at least as often. Glue sits in the first directory's place, so only the
    paths beginning there are looked up (`x/example.com/…` is another file)."""
    # (at the same count the shorter first: it is what the longer may end with)
    ranked = sorted(counts.items(), key=lambda fc: (-fc[1], len(fc[0]), fc[0]))
    out: dict[str, int] = {}
    for path, n in ranked:
        slash = path.find("/")
        into = next((q for q in (path[k:] for k in range(max(1, slash - 64), slash + 1))
                     if q in out), None)
        if into is None:
            out[path] = n
        else:
            out[into] += n
    return sorted(out.items(), key=lambda fc: (-fc[1], fc[0]))


def describe(files: list[tuple[str, int]], most: int = 6) -> str:
    """`a.go ×6, b.go ×2 and 3 more`."""
    shown = ", ".join(f"{f} \u00d7{n}" for f, n in files[:most])
    rest = len(files) - most
    return shown + (f" and {rest} more" if rest > 0 else "")


def failed_tests(texts: Iterable[str]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The tests whose `--- FAIL:` lines and the packages whose `FAIL\tpkg`
    lines stand whole among `texts` (the grammar's test_fail and
    test_package_fail), with how often: most named first."""
    from ..grammar import line_grammar

    grammar = line_grammar()
    tests: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    for text in texts:
        if "FAIL" not in text[:16]:
            continue
        m = grammar.match(text)
        if m is None or m.lastgroup not in _TEST_KINDS:
            continue
        kind = grammar.kinds[m.lastgroup]
        if m.lastgroup == "test_fail":
            tests[m.group(kind.fields["test"])] += 1
        else:
            packages[m.group(kind.fields["package"])] += 1
    return tests.most_common(), packages.most_common()


_TEST_KINDS = frozenset({"test_fail", "test_package_fail"})
