"""Analyses built by hand from the model, for renderer tests that must not wait for the parser.

The frames are those of the skopeo / bbolt crash quoted in issue 4 (a real
`skopeo copy` panic on a corrupted blob-info cache), with the fields the
analysis stage fills in (origins, chain, culprit, hints) set as it would.
"""

from __future__ import annotations

from stackdemux.model import (
    Analysis,
    Bucket,
    ChainSegment,
    CreatedBy,
    Diagnostic,
    Frame,
    Goroutine,
    Group,
    Hint,
    Report,
    ReportKind,
    Stream,
)

VENDOR = "/builddir/build/BUILD/skopeo-1.14.2/vendor"
MAIN = "/builddir/build/BUILD/skopeo-1.14.2"
GOROOT = "/usr/lib/golang"


def _f(func, file, line, module, origin, version=None, args="...", offset="0x1a"):
    pkg = func[: func.find(".", func.rfind("/") + 1)]
    return Frame(
        func=func,
        args=args,
        file=file,
        line=line,
        offset=offset,
        package=pkg,
        module=module,
        version=version,
        origin=origin,
    )


def skopeo_frames() -> tuple[list[Frame], CreatedBy]:
    img = "github.com/containers/image/v5"
    frames = [
        _f(
            "go.etcd.io/bbolt.(*Cursor).search",
            f"{VENDOR}/go.etcd.io/bbolt/cursor.go",
            250,
            "go.etcd.io/bbolt",
            "vendor",
            args="0xc000068ba8, {0xc0000a4280, 0x47, 0x50}, 0x40c51f?",
        ),
        _f(
            "go.etcd.io/bbolt.(*Cursor).seek",
            f"{VENDOR}/go.etcd.io/bbolt/cursor.go",
            159,
            "go.etcd.io/bbolt",
            "vendor",
        ),
        _f(
            "go.etcd.io/bbolt.(*Bucket).Bucket",
            f"{VENDOR}/go.etcd.io/bbolt/bucket.go",
            105,
            "go.etcd.io/bbolt",
            "vendor",
        ),
        _f(
            f"{img}/pkg/blobinfocache/boltdb.(*cache).RecordKnownLocation.func1",
            f"{VENDOR}/{img}/pkg/blobinfocache/boltdb/boltdb.go",
            112,
            img,
            "vendor",
        ),
        _f(
            "go.etcd.io/bbolt.(*DB).Update",
            f"{VENDOR}/go.etcd.io/bbolt/db.go",
            884,
            "go.etcd.io/bbolt",
            "vendor",
        ),
        _f(f"{img}/copy.(*copier).copyLayer", f"{VENDOR}/{img}/copy/single.go", 949, img, "vendor"),
        _f(
            f"{img}/copy.(*copier).copyLayers.func1",
            f"{VENDOR}/{img}/copy/single.go",
            766,
            img,
            "vendor",
        ),
        _f("runtime.goexit", f"{GOROOT}/src/runtime/asm_amd64.s", 1650, "std", "stdlib"),
    ]
    created = CreatedBy(
        frame=_f(
            f"{img}/copy.(*copier).copyLayers", f"{VENDOR}/{img}/copy/single.go", 766, img, "vendor"
        ),
        goroutine=1,
    )
    return frames, created


def _chain(frames: list[Frame], main: Frame) -> list[ChainSegment]:
    img = "github.com/containers/image/v5"
    return [
        ChainSegment("github.com/containers/skopeo", "main", [main]),
        ChainSegment(img, "vendor", [frames[6], frames[5]], via_goroutine=True),
        ChainSegment("go.etcd.io/bbolt", "vendor", [frames[4]]),
        ChainSegment(img, "vendor", [frames[3]]),
        ChainSegment("go.etcd.io/bbolt", "vendor", [frames[2], frames[1], frames[0]]),
    ]


def skopeo_analysis(processes: int = 3) -> Analysis:
    """`processes` skopeo runs that each hit the bbolt panic, plus one nil map write."""
    frames, created = skopeo_frames()
    main_frame = _f(
        "main.(*copyOptions).run",
        f"{MAIN}/cmd/skopeo/copy.go",
        159,
        "github.com/containers/skopeo",
        "main",
    )
    reports, streams = [], []
    line = 1
    for i in range(processes):
        sid = f"s{i + 1}"
        streams.append(Stream(id=sid, label=f"skopeo-{i + 1}"))
        g18 = Goroutine(
            id=18,
            state="running",
            frames=list(frames),
            created_by=created,
            input_lines=(line + 2, line + 20),
        )
        g1 = Goroutine(
            id=1,
            state="semacquire",
            wait_minutes=2,
            frames=[
                _f("sync.runtime_Semacquire", f"{GOROOT}/src/runtime/sema.go", 62, "std", "stdlib"),
                main_frame,
                _f(
                    "main.main",
                    f"{MAIN}/cmd/skopeo/main.go",
                    123,
                    "github.com/containers/skopeo",
                    "main",
                ),
            ],
        )
        reports.append(
            Report(
                id=f"r{i + 1}",
                kind=ReportKind.PANIC,
                message=f"invalid page type: {6432 + i}: 10",
                goroutines=[g18, g1],
                stream=sid,
                lines=[(line, line + 30)],
            )
        )
        line += 40
    nil_frames = [
        _f(
            "runtime.mapassign_faststr",
            f"{GOROOT}/src/runtime/map_faststr.go",
            224,
            "std",
            "stdlib",
        ),
        _f(
            "main.record",
            f"{MAIN}/cmd/skopeo/record.go",
            31,
            "github.com/containers/skopeo",
            "main",
        ),
        _f("main.main", f"{MAIN}/cmd/skopeo/main.go", 120, "github.com/containers/skopeo", "main"),
    ]
    nil_report = Report(
        id=f"r{processes + 1}",
        kind=ReportKind.PANIC,
        message="assignment to entry in nil map",
        stream="s1",
        goroutines=[Goroutine(id=1, state="running", frames=nil_frames)],
        lines=[(line, line + 8)],
    )
    reports.append(nil_report)
    hint = Hint(
        rule="bbolt-invalid-page",
        title="corrupted bolt database",
        explanation="bbolt found a page of an unknown type: the file is damaged.",
        remedy="move /var/lib/containers/cache/blob-info-cache-v1.boltdb aside",
        details=["the blob-info cache is rebuilt on the next run"],
    )
    groups = [
        Group(
            id="g2",
            title="panic: assignment to entry in nil map",
            reports=[nil_report.id],
            messages={nil_report.message: 1},
            streams=["s1"],
            fingerprint="nilmap0123456789",
            culprit=nil_frames[1],
            main_frame=nil_frames[1],
            chain=[
                ChainSegment("github.com/containers/skopeo", "main", [nil_frames[2], nil_frames[1]])
            ],
        ),
        Group(
            id="g1",
            title="panic: invalid page type: <N>: <N>",
            reports=[r.id for r in reports[:processes]],
            messages={r.message: 1 for r in reports[:processes]},
            streams=[s.id for s in streams],
            fingerprint="bbolt0123456789a",
            culprit=frames[0],
            main_frame=main_frame,
            chain=_chain(frames, main_frame),
            hints=[hint],
        ),
    ]
    for r in reports:
        r.buckets = [
            Bucket(
                signature=f"b{j}",
                count=1,
                ids=[g.id],
                states=[g.state],
                wait_minutes=(g.wait_minutes, g.wait_minutes) if g.wait_minutes else None,
                goroutine=g,
            )
            for j, g in enumerate(r.goroutines)
        ]
    return Analysis(
        reports=reports,
        streams=streams,
        groups=groups,
        noise=[(41, 45)],
        sources=["build.log"],
        total_lines=line + 10,
        diagnostics=[Diagnostic("a goroutine header without frames", [(200, 200)])],
    )


# Everything a hostile log could try, in one string: workflow commands, a
# percent-encoded newline, HTML, Markdown links/images/mentions, XML-invalid
# bytes, cursor-moving ANSI, a bidi override, backtick runs and closing tags.
PAYLOAD = (
    "::set-env name=PWNED::1\n::add-mask::hunter2\r\n%0A::error::injected%0D"
    "<script>alert(1)</script><img src=x onerror=alert(2)>"
    "[click](https://evil.example/) ![pixel](https://evil.example/p.png) @octocat "
    "\x00\x01\x08\x0b\x0c\x7f\x1b[2J\x1b[H\x1b[1A\x1b]0;owned\x07\x1b]8;;https://evil.example\x1b\\"
    "\u202egnp.exe\ufffe ```` `` ]]> --> </details></pre></summary> &amp; | x "
)


def malicious_analysis() -> Analysis:
    """The skopeo analysis with the payload in messages, function names, paths, labels and hints."""
    a = skopeo_analysis(processes=2)
    for r in a.reports:
        r.message = PAYLOAD + r.message
        for g in r.goroutines:
            for f in g.frames:
                f.func = f.func + PAYLOAD
                f.file = "/build/" + PAYLOAD + "/x.go"
                f.args = PAYLOAD
            g.state = PAYLOAD
            g.labels = {PAYLOAD: PAYLOAD}
    for s in a.streams:
        s.label = PAYLOAD
    for g in a.groups:
        g.title = PAYLOAD + g.title
        g.messages = {PAYLOAD: 1}
        for h in g.hints:
            h.title = h.explanation = h.remedy = PAYLOAD
            h.details = [PAYLOAD]
        for seg in g.chain:
            seg.module = PAYLOAD
    a.diagnostics.append(Diagnostic(PAYLOAD, [(1, 2)]))
    a.sources.append(PAYLOAD)
    return a


def analyse_file(path) -> Analysis:
    """A real sample through the real pipeline: `stackdemux.analyze` once it exists,
    else ingest → parse → analyse composed here the same way."""
    from pathlib import Path

    import stackdemux

    if hasattr(stackdemux, "analyze"):
        return stackdemux.analyze(Path(path))
    from stackdemux.analyse import analyse
    from stackdemux.ingest import ingest
    from stackdemux.parse import parse_source

    source = ingest(Path(path).read_bytes(), Path(path).name)
    parsed = parse_source(source)
    groups, buckets = analyse(parsed.reports)
    for r in parsed.reports:
        r.buckets = buckets[r.id]
    return Analysis(
        reports=parsed.reports,
        streams=[Stream(id="s1")],
        groups=groups,
        noise=parsed.noise,
        diagnostics=parsed.diagnostics,
        sources=[source.name],
        total_lines=len(source.lines),
    )
