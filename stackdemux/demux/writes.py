"""Undo write()-level interleaving: processes sharing one descriptor.

The Go runtime prints a traceback line as many write() calls, one per print
argument, so processes crashing into one pipe interleave anywhere inside a
line, down to single bytes (writes_gate.py tells such a region). This module
turns such a region into streams; its parts live beside it:

- writes_gate.py: whether a region is write-mixed (the pipeline's gate);
- writes_heads.py: each report's first line, read from its writes;
- writes_tail.py: the whole lines after the last broken one;
- writes_templates.py: a big dump's writes before that tail, read by the
  templates the tail repeats, and the rest by the decoder;
- writes_decode.py (with writes_reading, writes_dfa, writes_tokens,
  writes_repeats): the beam decoder that reads writes back to processes;
- writes_columns.py: the input columns of every piece of the region's text.

`separate_region` is what demux/__init__.py's gate calls for a region of any
size: every report's first line is read from its writes (`report_heads`: the
opener and the message are one write each, so they stand whole however the
writes mix); what the decoder or the line-level separator reads is kept where
its reports' messages are those heads' own, every other report is its first
line alone, and the rest of the region a stream of unplaced pieces that is
never parsed: a mixture of writes makes up no report. Where most lines are
broken, the line-level separator reads only the whole lines after the last
broken one (`whole_tail`): before it nothing it reads is credible, and its
splicer costs seconds per KB there (twelve processes shuffled: 17 s -> 0.1 s).
Where that tail goes on with a big dump whose head is among the broken lines,
the dump's templates read its writes before it and the decoder the rest
(`read_by_templates`: big-writes-time's two reports exact), kept where their
reports' messages are the heads'.

Conservation: every character of the region is in exactly one piece of one
output line, or in a noise piece; each newline ends the line of the process
it is given to.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from ..model import Diagnostic, Stream
from .writes_columns import Columns
from .writes_gate import is_broken, looks_write_interleaved, openers_run_together, process_budget
from .writes_heads import Head, clean_message, report_heads
from .writes_tail import headless_dump, whole_tail

if TYPE_CHECKING:
    from .writes_decode import Decoded

__all__ = ["LINE_LEVEL", "clean_message", "decodable", "is_broken",
           "looks_write_interleaved", "openers_run_together", "report_heads", "separate_region",
           "separate_writes"]

# The decoder runs at ~0.7-1 KB/s (a Python beam over every write) and none
# of its readings is credible yet. Its cost model now prefers the truth on
# the six small write merges (bolt, gotest, mixed; -time and -shuffle): held
# to who wrote every byte it reads 728 of their 784 lines (701 before) at
# costs well below what the beam finds (bolt-writes-time 1004 vs 1300,
# gotest-writes-time 604 vs 1935), where on writes-time the truth used to
# cost more than the found reading (1588 vs 1378: writes it could not cut,
# `main.boltCorrupt` + `/opt/gobin/…`; `--- FAIL: ` read as two words glued;
# blank lines anywhere, tying with the truth in the beam). The beam of 64
# still goes wrong early, in the dealing of short argument writes (`, `, `?`,
# `{`) among processes whose lines only a later write tells apart: it reads
# 282 of the 784 lines (278 before). Called on the regions of up to 8000
# characters it keeps every message (writes-time 36/36) and changes no score:
# none of its streams is credible, so the pipeline does not call it (regions
# of up to MAX_DECODE characters would go to it; decode() and
# separate_writes() stay for that work).
#
# Measured since (lines read back exactly of the six small merges, found
# cost vs truth's): bolt-time 61/137 (1300 vs 1004), bolt-shuffle 55/137
# (734 vs 588), gotest-time 32/93 (1935 vs 604), gotest-shuffle 21/93
# (3152 vs 1604), mixed-time 63/162 (4654 vs 1037), mixed-shuffle 38/162
# (4945 vs 2697): 270/784. Weighing each process's own address arguments
# (writes_decode.VALUES) makes the truth cheaper (bolt 987, 575) and reads
# 278/784 (bolt-time 55, bolt-shuffle 69, the rest the same): kept as a model
# gain, no search gain. Where the beam loses the truth: on bolt the truth's
# future leaves the beam 23 (time) and 29 (shuffle) times, 16 and 25 of them
# by the cap per place (argument writes dealt among processes at the same
# places, the truth within 1-2 of the cheapest kept); on gotest and mixed it
# leaves for good within the first 120 writes, where the model prices the
# truth's prefix dearer (gotest-time: +37 at the `[recovered, repanicked]`
# panics), and the found reading ends at 3-4 times the truth's cost. Tried:
# (1) exact recombination (no beam, no cap per place): distinct futures double
# every ~6 characters (141 023 at character 127 of 5569): no DP, and no A*
# bound tells them apart (every hypothesis at a place owes the same writes);
# (2) report heads pinned (each head's opener and message one process's, one
# write each; a write breaking one costs 30, as a hard rule the beam died):
# bolt-time 55 -> 59 lines (cost 1303 -> 1276), gotest-time 32 -> 19 (1935 ->
# 3845); the cap per place keyed by each process's addresses too: bolt-time
# 55 -> 45, bolt-shuffle 69 -> 54, gotest-time 32 -> 31; a report's message
# priced as the next write after its opener (+20 otherwise; the truth pays
# nothing): gotest-time 32 -> 22, bolt-time the same; a second `--- FAIL:` of
# one test in a process charged: the same;
# (3) repair by large neighbourhoods (a window of the found reading freed,
# the rest held, windows every half a window; each a full decode, ~4 s,
# quadratic): 400 characters, one sweep: bolt-time 1300 -> 1233 (lines
# 61 -> 60), bolt-shuffle 686 -> 621 (69 -> 76), gotest-time 1935 -> 1653
# (32 -> 33); 800: bolt-time 1303 -> 1200 (55 -> 70); 1200: 1303 -> 1238
# (55 -> 65), where a second and third sweep find nothing more: a local
# optimum far from the truth's 987 (133 lines). Two processes are no easier:
# the mixed head of big-writes-time (its first 8663 characters, the 5000-
# goroutine dump's and a hub's writes) reads 178/242 lines at a beam of 64
# (cost 947 vs the truth's 740, 1.1 KB/s), 180 at 256 (839; 0.33 KB/s), and
# its distinct futures number 57 287 at the 60th place a write ends. None
# makes a region credible: MAX_DECODE stays 0.
#
# Measured again at 2056299 on the twelve smaller merges (bolt, gotest, mixed,
# crash, sigquit, twelve; -time and -shuffle: 4474 lines, 62 reports; `frames`
# counts the lines whose function, file and line number read right, which is
# what the corpus scores, arguments and offsets aside): the search reads 1411
# lines (frames 1838) and 0 reports exactly; held to who wrote every byte, 3928
# lines and 19 reports: the truth itself was out of reach in 43 of 62. Why:
# no write end was offered at 64 of the 22 762 places the writing process
# changes (a path behind a name, `main.boltCorrupt` + `/opt/gobin/1.23.9/…`;
# a name behind a file, `mutex.go` + `main.(*pool).worker`, or behind a hex
# number, `0x4e` + `example.com`; a state behind a name, `main.parkOnSelect` +
# `runnable`); a file's end before a digit was no strong end; a message's end
# was never offered (_walk keeps the first four ends and then strong ones:
# `all goroutines are asleep - deadlock!` + `=== RUN`). A change that mends
# these (37 of 22 762 missed, 0.3 % more ends), makes the heads' bounds write
# ends and always offers a head message's end, prices a write that cuts a
# head's opener or message (+10), an opener whose next write is no head's
# message (+10) and an address write of another width than its arena's (in
# the processes' own outputs one arena's addresses share a width: crash-writes
# 208 of 208), and keys the beam's futures by a call line's argument depth and
# words, not their values: held 4081 lines and 34 of 62 reports (the six small
# merges 761 of 784 lines, 19 of 24 reports; 11 before); the search 1630 lines
# (frames 2137; the six small merges 429 and 558, from 317 and 419), still 0
# reports, with 23 % more CPU (~1.7 KB/s), and bolt-writes-shuffle's reading
# then costs 1.31 times the truth's (755.7 vs 575.2; 1.19 before, the test
# asks < 1.3) though it reads more lines right (90 vs 87). Not landed: the
# pipeline reads nothing more (it was kept as a patch for the next step).
# Where the search loses: following the held reading's future through the
# beam, it falls out at character 243, 313, 366, 43, 175 and 159 of the six
# small merges (bolt, gotest, mixed; -time, -shuffle). On bolt by the cap per
# place, tied with or 3.6 dearer than the two kept there, where an address's
# digits or an argument write go to one process or another (`0xc000064e10` +
# `1` or `0xc000064e` + `101`; `0x40bc3f?, ` dealt to either call line); on
# gotest-time and mixed-time by the beam, 0.3-0.4 dearer than the dearest kept,
# among near ties while four or five processes write their openers and
# messages at once (3.9 on mixed-shuffle; 47 on gotest-shuffle, whose truth
# prices its `=== RUN` lines). A beam of 256 does not keep it (gotest-time
# 597 vs the truth's 483, mixed-time 2750 vs 902, bolt-shuffle 898 vs 707).
# Tried and dropped (each against the change's state at the time, frames of
# the six small merges): (4) the long writes (words of 8 characters and more,
# 70 % of the text) held to the truth, the rest searched: 473 of 784 lines,
# frames 572, 0 reports, and on bolt-writes-time a reading cheaper than the truth's
# (813.6 vs 844.5: line numbers and ids glued, `81` + `335`, dealt otherwise):
# with the names placed the model still cannot tell the short writes; (5) each
# head's opener and message pinned to one process: frames 442 (521 free),
# since the heads pair an opener with another process's message in 3 of
# bolt-shuffle's 3 and 2 of mixed-shuffle's 5 (one `panic: ` reads like
# another); (6) PER_PLACE 1, 4 or unbounded: frames 520, 441, 453 (528 at 2);
# arguments left out of the cost and of the future key: 518 (530); a cut
# inside a run of digits priced (90-95 % of the runs are one process's
# number): 428-431 (439); a report opened where the heads found none priced
# (the `SIGSEGV: segmentation violation` of a `[signal ` read as a dump): 505
# (528).
#
# Measured at 224df4f by the significant writes alone (tests/corpus/
# writes_significant.py, the twelve smaller merges: 62 reports, 5896 ids,
# states, functions, files, line numbers and messages). Every one stands whole
# in its merge, and each process's text cut down to them reads as its reports
# exactly (62/62): what is scored is in them. But the writer changes at nearly
# every write (a process's file, `:` and line number stand together in 9-26 %
# of frames in `-time`, 3-18 % in `-shuffle`), and the hard rules over them (a
# token automaton per process, a file in its function's package, one GOROOT
# and one path style per process) leave 1.1e28 assignments on bolt-writes-time,
# 6.4e23 on bolt-shuffle, 1.8e40 and 3.5e47 on crash, 5.1e104 on sigquit-
# shuffle. A beam of 256 over them, cut as the truth cuts them and priced by the
# distance since the process's last significant write, reads 0 reports (it
# dies, every kept reading stuck, on gotest, mixed, sigquit and twelve); held
# to the truth for the names: 0 reports; for numbers, states and messages: 3;
# for all but ids, states and messages: 0 (twelve dies held too); wherever it
# reads, its reading costs less than the truth's (bolt-time 583.7 vs 662.3):
# distance is no evidence when a process's next write is as far as anyone's.
# In strace's `-time` order the next writer is the one that wrote least
# recently at 87 % of changes on bolt, 72 % on crash, 65 % on sigquit (turns
# taken round-robin), 19-30 % on gotest and mixed, 6 % on twelve (`-shuffle`:
# 3-51 %, chance); priced in the decoder (+1 for another writer), the six small
# merges read 303 of their 716 non-blank lines (249 before), and W_SWITCH 0
# instead of 0.3 (the truth changes writer at most writes) 294: 0 reports
# either way, not kept. Two processes alone, each opening with its message
# (the heads), leave 2 to 49 152 distinct readings per pair on gotest and
# mixed (over 200 000 for 9 of their 32 pairs, and for 5 of bolt's 6): no pair
# reads one way; mixed-time's first two read two ways, a `1` and a `197` being
# one's goroutine id and the other's line number or the reverse, which only
# the `goroutine ` and `:` writes around them tell (`--pairs`). Reading the
# significant writes first is no smaller problem where it matters: which of
# the processes waiting for a function, a number or a header takes it, only
# the short writes around it tell.
#
# Measured at dc83a10 on big-writes-time by templates (tests/corpus/
# writes_templates.py): the region's whole tail, the 5000-goroutine dump's
# alone, repeats 5 templates (state, frames, files, lines, `created by`), and
# 16 of the dump's 17 goroutines in the mixed start are one of them (6445 of
# its 6650 bytes there). Read backwards from the tail by whole writes, each the
# dump's next predicted one (ids descending) or the other process's character
# (a beam of 64; 0.52 s CPU for the 8659 characters), they are taken exactly,
# and what is left is exactly the other process's whole output with the dump's
# head and goroutine 1 (205 bytes) among its first 413 characters: a real
# two-process merge, where two readings fit as well (the truth, and each
# message and first call line with the other's file lines) until the other
# process's later lines tell them apart. The decoder's model prices the truth
# lower there (60.5 vs 69.1) but its search loses it in those 413 characters
# (beam 64 and 256 alike). Held to what is known (each head's opener and
# message to one process, tried both ways; the dump's files, from its
# templates, where they stand among the broken lines only; the other's lines
# after the last broken one), it reads both texts exactly but the blank line
# after the dump's goroutine 1 (the noise's), the heads the right way round
# the cheaper (84.3 vs 88.0): writes_templates.read_by_templates, both reports
# of big-writes-time exact (2.4 s CPU: the beam 0.46, the decoder twice 1.8).
#
# Measured at fe1e3e1 with a vocabulary (tests/corpus/writes_vocabulary.py,
# the twelve smaller merges, 4474 lines, 62 reports). Every frame of the
# runtime and the standard library is a fixed (function, file, line) of its
# Go release: learned from samples/go1.* and the other groups' outputs (never
# the processes read), such a table names 1696 of the 3113 call and file lines
# that do not stand whole in the merges (51 % of the broken lines' characters;
# samples/go1.* alone 1676, the process's own release alone 1501); the frames
# whose two lines stand whole in the same merge name 450 (in `-time` only: in
# `-shuffle` no frame's two lines stand whole), both 1918 (56 %). Given to the
# decoder (beam 64) as frames its reading has seen before (`decode(seen=)`:
# writes_repeats.Seen seeded with every release's lines) and as names that
# are one write whole where they stand (`decode(names=)`: a line's first
# write, or a tab's next, is the longest known function or file starting
# there), it reads more lines back exactly and 0 reports all the same; the
# truth falls out of the beam at the same character as without (35-309
# characters in, while the processes write their openers, messages and
# headers: no frame yet). Lines read exactly, reports exact, of the eight
# merges of bolt, gotest, mixed and crash (-time, -shuffle; 1522 lines, 32
# reports): free 388, 0; seeded 412, 0; names 490, 0; both 543, 0 (the found
# reading's cost 1.07-5.6 times the truth's, priced alike); sigquit's two
# and twelve-writes-time (2302 lines, 20 reports): free 486, both 557, 0
# reports (sigquit-writes-shuffle 133 -> 129; twelve-writes-shuffle not run:
# ~10 min a decoder run at load 10).
# Every process of these merges is of another Go release (twelve: 4 of 66
# pairs share one), so its GOROOT tells it at each file line already
# (W_OTHER_ROOT). Held to the truth through the openers' stretch (up to where
# every process has written its first goroutine header): the eight 552 lines,
# 0 reports (twelve-writes-time 219 lines, 2 reports); with the vocabulary
# too: 730, 0 (twelve-writes-time 250, 2), the truth falling out 19-330
# characters after the held stretch all the same, mostly where the processes
# deal short argument writes (`?`, `, `, `{`, an address, crash's `sp=`
# values) that no vocabulary of frames predicts. The ceiling, the openers and
# every line the vocabulary names held to their writers, the rest searched:
# the six small merges 540 of 784 lines, 1 of 24 reports (gotest-writes-time,
# where the found reading costs less than the truth's: 359.2 vs 394.6). A
# vocabulary does not make reports exact: nothing of it is shipped, the
# decoder's two hooks stay for the measurement (off in the pipeline:
# MAX_DECODE stays 0).
#
# Measured at 4b57576 with tests/corpus/writes_beam_loss.py (the six small
# merges; bolt, gotest, mixed; -time, -shuffle). The truth's path is the
# reading held to who wrote every byte, followed where each of its writes
# ends; writes_vocabulary.py's "falls out at 35-309" followed the held beam's
# cheapest hypothesis at each place instead, often off that path (on
# bolt-writes-time it had sent `invalid` of a message to the noise, while
# ahead), so its places read too early. Held, the six read 729 of 784 lines
# and 11 of 24 reports (bolt-shuffle 3/3, bolt-time 2, mixed-time 4,
# gotest-time 1, mixed-shuffle 1, gotest-shuffle 0: where the tokenizer
# cannot cut a write, up to 461 characters go to the noise): the ceiling.
# (1) The openers' stretch is not short: every process has written its first
# line by character 138-697 and its first goroutine header by 249-1597 (under
# 400 on bolt alone). Free at a beam of 64 the truth survives it on
# bolt-time (first out at 510) and leaves inside it on the others (at 246,
# 343, 138, 43 and 131), by the width (the truth priced +4.6 to +106 over the
# cheapest: gotest's `=== RUN`/`--- FAIL:` writes the tokenizer cannot cut
# cost the truth noise, +23.6 and +106) or by another past reaching its
# future. A beam of 1024 over the stretch (then 64) keeps it 0-69 characters
# longer (510, 283, 353, 141, 112, 158) and reads no report (lines 41 -> 41,
# 30 -> 33, 42 -> 70, 60 -> 60, 13 -> 19, 23 -> 30). (2) With the openers
# held to the truth (up to every first header), the truth leaves 86-355
# characters after it (510, 965, 1789, 604, 1227, 1719), at near ties: +0.0
# to +2.3 over the cheapest (ranks 5-88 of 148-482 futures), 4 of 6 by the
# cap per place, 2 by the width, mostly where argument writes (`0xc000064e08`,
# `?`, `...`, `{0x52d220`) go to one process or another that the model
# cannot tell apart yet; the readings reach 48, 34, 67, 86, 31, 50 lines and
# 0 reports. A beam of 256 with 8 per place keeps it 0-264 characters longer
# (510, 1051, 1798 on the -time three, 868 on bolt-shuffle; 51, 37, 73, 60
# lines, 0 reports, 6-7 times the CPU). So neither a wider search over the
# openers nor after them keeps the truth: past the openers the model ties
# where arguments are dealt and the search must guess, every ~100-300
# characters. Nor is dealing the arguments all it lacks: every call line's
# arguments held to their writers (7-13 % of the characters; `--args`), the
# rest free, the six read 365 lines (209 free), with the file lines' `+0x..`
# offsets too 412, and 0 reports (bolt-shuffle 113 and 125 of 137 lines, its
# reading's cost 577.8 and 584.6 beside the truth's 575.2). Tried and
# dropped: a goroutine header only after a blank line (HEADER_AFTER; of the 13 005 headers of the
# corpus's outputs and samples/, 12 960 follow one, 17 start an output, 9
# follow net/http's logged panic, the 12 others read wild pastes that lost
# their blank lines; a process that had printed its last frame took
# another's header, no blank line between): the truth's cost unchanged, free
# 209 -> 217 lines, openers held 316 -> 316 lines and 0 -> 1 report
# (mixed-time), free found costs dearer (bolt-time 1303 -> 1341, gotest-time
# 2171 -> 2934), 0 reports free.
#
# The ambiguity ceiling (issue 3, writes18; tests/corpus/writes_ambiguity.py):
# most reports of the twelve smaller merges have another reading that obeys
# every hard rule a decoder can know, so no decoder can be sure of them from
# the log alone. Rules (each holds of the truth of all twelve; the tool's
# test says so for three): every value printed whole is one write,
# contiguous in the merge; every line keeps its kind and reads cleanly; one
# GOROOT a process; a function's file in its package's directory; one file
# a function, one function a file's line; a function's lines one interval of
# its file (its closures' inside); one pc offset a (function, line) in a
# process; one argument-word count a function of a release; unique goroutine
# ids, goroutine 1 the uncreated one, the runtime's states; a Go release's
# function holding its line in that release's source (Go and assembly files
# of the toolchains here). Exchanging two same-shaped pieces of two
# processes (digits, hex, names; at most 40 pieces apart), or giving a piece
# to the writer beside it, makes 46 of the 62 reports ambiguous: bolt 3/3
# and 0/3, gotest 2/4 and 2/4, mixed 3/5 and 3/5, crash 3/3 and 2/3,
# sigquit 3/4 and 3/4, twelve 11/12 and 11/12 (-time first). At most 16 of
# 62 (26 %) are decidable, fewer if a wider search finds more (two exchanges
# together, --pairs 300, found none more on the first eight). What is
# exchanged is few values (108 of the 5 696 scored ids, states, functions,
# files and line numbers: 1.9 %) that fall in nearly every report: a line
# number with another's line number or goroutine id (bolt's cursor.go:48 and
# main.go:44; gotest's `2125` and goroutine `8`), a `created by ... in
# goroutine 1`'s `1` with a line number, two goroutine ids, two states
# (`running` / `sync.Mutex.Lock`), two functions (`main.handle.func1` /
# `main.nilDeref`, runtime.epollwait / runtime.futex). With the programs'
# own source too (`program source`) 40 of 62 stay ambiguous (22 decidable).
# The decoder's model, held to each alternative (--model, the six small
# merges), prices every alternative above the truth for 4 of their 13
# ambiguous reports (one at +508.5: the held decoder sends pieces of that
# reading to the noise); elsewhere ties at +0.0 and wrong readings cheaper
# by 1.3-2.6: a decoder may guess such a report right, never know it. So
# the writes family's target of 95 % reports exact is out of reach of any
# reading of these merges: at most 16 + big-writes-time's 2 of 64 reports
# (28 %) are decidable, and each report's first line (64/64 messages).
#
# Unsure values (issue 3, writes19). Where another reading is as good, the
# reading says which values it cannot decide: the beam's _prune drops every
# hypothesis whose future (open lines, states) another cheaper one holds; one
# dropped within UNSURE_MARGIN (3.0) of the kept one's cost marks in the kept
# one the fields of its completed lines that the dropped one reads otherwise
# (writes_decode._rival: a goroutine id, a state, a function, a file, a line
# number, an argument text; lines of another kind, all of them), from the
# decoder's own search, no truth. They become Stream.unsure, then
# Report.unsure, Frame.unsure and Goroutine.unsure (unsure.py after the parse),
# an `unsure` list in the JSON's goroutine, frame and created_by objects, and
# a `?` after the value in the text and Markdown stacks; fingerprints leave
# ids, states and line numbers out already, and now an unsure function too.
# In the pipeline only the templates' remainder reading (big-writes-time)
# runs the decoder: one value marked, the fleet's top frame's line number
# (its `147` and the pool's `345` are two writes a reading +0.0 dearer
# exchanges); the value is right, both reports stay exact. Measured on the
# decoder's own readings of the six small merges (tests/corpus/score.py
# --marked, and per line of kind header, call, file and created_by: a line is
# wrong when it is not in the difflib alignment of its process's reading with
# the truth's output): the readings get 298 of 448 such lines wrong; margin 1
# marks 309 lines, 204 of them wrong (precision 0.66, recall 0.68); margin 3
# marks 343, 227 wrong (0.66, 0.76); most dropped rivals tie at +0.0. With the
# decoder on (MAX_DECODE 8000) the scorer's marked columns on those six read
# 0 of 24 reports exact but at their marks (goroutines 1/68 exact; of the
# values of the reports kept, 84 wrong, 77 of them marked, 168 marked): a
# reading whose lines are three quarters marked tells a user nothing, and
# its wrong lines are as often unmarked, so the decoder stays off.
#
# Decidable reports (writes20; tests/corpus/writes_decidable.py: each
# report writes_ambiguity.py found no exchange for, read by the decoder free
# and held). In all 16 the free reading costs more than the truth held to
# its writers (bolt-shuffle 715.5 vs 575.2, gotest-time 2171 vs 579,
# mixed-time 4101 vs 839, sigquit-shuffle 36 872 vs 17 698): the search, not
# the model. The first wrong scored line, in the merge's order, is the
# report's first line in 12 of the 16 (its message read on the line of
# another process's `panic: `, or pieces glued to it), a goroutine header in
# 3 (an id; `goroutine 0 gp=…` of sigquit), a call's arguments in 1; 10 of
# the 16 marked unsure there. Held to the truth up to that line and free
# after it, 4 read it right (lost upstream), 12 not.
# The heads know every message (64/64): held as one write each in the
# decoder (a message on the line of a process that has written an opener
# alone; a new process only at an opener; a process waits for its message
# after its opener), lines read back of the six small merges: bolt-time
# 51 -> 51, bolt-shuffle 50 -> 50, gotest-time 30 -> 29, gotest-shuffle
# 14 -> 0 (no hypothesis left: an opener the heads pair otherwise), mixed-time
# 42 -> 55, mixed-shuffle 23 -> 38; 0 reports either way: the first lines
# then read whole, but a message heads another process's goroutines
# (mixed-time's `loading /etc/fleet/node-2.yaml` on the `job {6 default}`
# process's). Not kept. That pairing is often no search error at all: the
# ambiguity tool exchanged same-shaped pieces only, never a message (a text no
# other piece has) nor what follows it. Two processes that stand at a line
# start in the same report state at one place of the merge (their messages
# and the blank line after written) go on as well with each other's rest,
# under every rule the judge holds (one GOROOT, file and pc offset a frame;
# ids; a test's `--- FAIL:` after its own `=== RUN`; `[recovered,
# repanicked]` Go 1.25's and later's) unless those rules tie the rest to what
# came before: writes_ambiguity.py's `tails`. With them 54 of the 62 reports
# are ambiguous (46 before): bolt 3/3 and 3/3 (0/3 before in -shuffle: its
# `panic: invalid page type` and `panic: shutdown timeout` each head either's
# goroutine 19 or 1), gotest 2/4 and 4/4 (2/4), mixed 3/5 and 3/5, crash 3/3
# and 2/3, sigquit 3/4 and 4/4 (3/4), twelve 12/12 and 12/12 (11/12). At most
# 8 of the 62 are decidable (16 before), so the family's ceiling is 10 of
# 64 with big-writes-time's 2. Of the 8 more: 4 by a place before either
# process's first goroutine header (bolt-shuffle's two, twelve's p10 in
# both; the decoder's model prices bolt-shuffle's as the truth, +0.0: a tie
# no decoder breaks; twelve's not priced), and 4 by a place inside a stack
# (bolt-shuffle's p1, gotest-shuffle's p0 and p1, sigquit-shuffle's p0: two
# goroutines' frames go on with the other's), which break no hard rule but
# cost the model +4.3 to +66.7 (its soft priors: a frame's caller and call
# site seen before): with those, at most 12 of 62. Of the 8 left, the
# decoder's first wrong line is the report's first line in 7 (sigquit-time's
# p1: a header), 2 of them lost upstream: what the search lacks there is
# which process's goroutines follow which message, where the rules (the
# GOROOT and package of what follows) tell it only lines later.
#
# Report pairing (writes21; tests/corpus/writes_pairing.py, writes_decidable.py
# --pairing). The beam keeps one past per future, and the future leaves out
# which message a process opened with: once two processes stand at a line
# start in the same report state, the readings that pair their rests the
# other way are dropped as the same future. Whether later lines could tell
# them apart: the truth of gotest-writes-time held, each such exchange of two
# processes' rests priced by the model beside it: +0.0 or -0.3 at 5 of its 9
# places (3 of them before the messages, where only the `=== RUN`/`--- FAIL:`
# pairing, noise to the decoder, tells), +0.3 at p0/p2's after the messages,
# where p0's `[recovered, repanicked]` (Go 1.25 on) would head p2's Go 1.23
# goroutines; mixed-writes-shuffle's 13: +3.3 to +71.5 but one (-1.3).
# mixed-writes-time's two decidable reports have no such place at all (p4
# writes its goroutine header before p0 its `panic: `): no tie there to keep.
# A release term (RELEASES: a process's lines allow one Go release, from
# go_version.py's marks: the release its GOROOT names, functions a release
# added or moved, `[recovered, repanicked]`; the releases kept in the future,
# so the pairings differing in them both stay) prices that exchange +10.3 and
# the truth the same (578.6), but the free search never gets there: lines
# read right of the seven merges with a decidable report or the six small
# (gotest-time, mixed-time, mixed-shuffle, crash-shuffle, bolt-time,
# bolt-shuffle, gotest-shuffle) 32, 42, 23, 62, 44, 53, 17 (273) -> 32, 42,
# 23, 56, 39, 53, 17 (262), first wrong lines the same: off. Re-deciding
# the pairing after the fact (repair_pairing: each such exchange in the free
# reading priced by the model held to it, the cheapest kept while cheaper)
# finds 1 place in gotest-writes-time's free reading (+11.8), 2 in mixed-
# time's with the heads pinned (+4.8, +0.3): no exchange is cheaper, as the
# free readings are wrong long before (3-5 times the truth's cost), in whose
# opener a message stands, and their processes seldom stand in one state.
# The heads held as one write each, softly (`pinned`: no write ends inside
# an opener or a message, one is given whole to a process whose line waits
# for it or costs W_PIN, 10, elsewhere or in the noise; writes20's hard rule
# left no hypothesis on mixed-writes-time): free costs gotest-time 2171 ->
# 1498, mixed-time 4101 -> 2934, mixed-shuffle 5077 -> 5089, crash-shuffle
# 13 194 -> 7956, bolt 1283 -> 1285 and 716 -> 719, gotest-shuffle 3136 ->
# 1749 (the truth's 579, 839, 2492, 4373, 987, 575, 1620 -> 579, 842, 2114,
# 4208, 989, 577, 1391); lines read right (the seven in that order) 32, 42,
# 23, 62, 44, 53, 17 (273) -> 34, 46, 28, 73, 44, 53, 25 (303), with the
# release term too 36, 51, 27, 86, 39, 53, 24 (316); 0 reports either way.
# The first wrong line of the decidable reports moves from a message read in
# pieces or on another's opener to a whole message heading another process's
# goroutines (gotest-time's p2 and p3, mixed-time's p0, mixed-shuffle's p2;
# crash-shuffle's p0 from its message at character 12 to its goroutine 1's
# id at 353): the pairing, which the model cannot price until a GOROOT or an
# id tells it, and by then the beam holds one. PINNED and RELEASES stay off
# with the decoder (MAX_DECODE 0).
#
# go test's own lines (writes22): the decoder reads `=== RUN`, `--- PASS:` and
# a test's log line with the process that printed them (writes_decode.TESTS),
# and what they name ties its later lines; gotest-writes-time held to the
# truth 578.6 -> 524.8, all 14 go test lines with their processes (9 before),
# free 32 -> 36 lines; no report either way. With the heads pinned too, the
# decidable reports' first wrong lines move on from a message on another's
# opener (6 of the 8) to the pairing of a message with goroutines, as writes21
# found (docs/measurements.md, Stop 35). The pipeline names the tests and
# packages that failed in the unplaced pieces' warning (mentions.failed_tests).
#
# Heads held to their writes (writes23: writes_decode.WAITS, OWN_OPENER): a
# head's message is the next write of the process that wrote its opener, and
# that only; the free reading then keeps a message on its own process's
# opener in 22 of the 27 heads of seven small merges (bolt-shuffle's 3 and
# mixed-shuffle's 2: the heads pair them wrong) and reads more lines
# (mixed-time 42 -> 49, crash-shuffle 62 -> 80), 0 reports still: the first
# wrong line moves on to which goroutines follow a message
# (docs/measurements.md, Stop 36).
#
# Which goroutines follow a message (writes24: writes_decode.FIRST_STATE): a
# panic's first goroutine is running, a deadlock's is not, and what a
# process's first goroutine owes is kept in its future, so both pairings of
# two processes standing after their messages stay until a header's state
# tells them apart: the seven merges above read 319 -> 335 lines right
# (mixed-time 49 -> 67, its p4's goroutines after its own message), 0
# reports; the first wrong lines left are goroutines read as more goroutines
# of a report whose first one was read (docs/measurements.md, Stop 37).
MAX_DECODE = 0
MAX_DECODE_PROCESSES = 6


def decodable(text: str) -> bool:
    """True when the region is small enough for the decoder's budget."""
    return len(text) <= MAX_DECODE and process_budget(text) <= MAX_DECODE_PROCESSES


# ------------------------------------------------------------- to streams ---


# More of the region than this left to the noise: the reading is not trusted.
MAX_NOISE = 0.2


def separate_writes(stream: Stream) -> list[Stream] | None:
    """The streams of the processes whose writes interleave in `stream`, each
    line's pieces naming the input columns it came from; pieces no process
    printed form a stream of their own (noise holds whole lines only).
    None when the decoder could not read most of the region."""
    text = "\n".join(stream.texts) + "\n"
    from .writes_decode import UNSURE_MARGIN, decode  # (off: MAX_DECODE; 15 ms to import)

    got = decode(text, margin=UNSURE_MARGIN)
    if sum(b - a for a, b in got.noise) > MAX_NOISE * len(text):
        return None
    return decoded_streams(stream, got)


def decoded_streams(stream: Stream, got: Decoded) -> list[Stream]:
    """The streams of a reading of the region's text (`got`: its processes'
    lines as text pieces, and the noise), each line's pieces naming the input
    columns it came from; the noise's pieces a stream of their own."""
    texts = list(stream.texts)
    text = "\n".join(texts) + "\n"
    starts = [0]
    for t in texts:
        starts.append(starts[-1] + len(t) + 1)
    numbers = stream.numbers
    shift = stream.prefix_lengths or [0] * len(texts)

    def pieces(segs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        for a, b in segs:
            while True:
                i = bisect_right(starts, a) - 1
                line_end = starts[i] + len(texts[i]) if i < len(texts) else a
                e = min(b, line_end)
                out.append((numbers[i], shift[i] + a - starts[i], shift[i] + e - starts[i]))
                if b <= line_end:
                    break
                a = line_end + 1  # a piece never spans a newline; kept safe anyway
                if a >= b:
                    break
        return out

    result: list[Stream] = []
    for lines in got.processes:
        sub = Stream(id="", label=stream.label)
        ps = [pieces(segs) for segs in lines]
        sub.numbers = [p[0][0] for p in ps]
        sub.texts = ["".join(text[a:b] for a, b in segs) for segs in lines]
        sub.pieces = dict(enumerate(ps))
        sub.unsure = {i: f for (k, i), f in got.unsure.items() if k == len(result)}
        result.append(sub)
    # an empty input line whose newline ended another line of a process has no
    # piece yet: it joins the stray pieces, as a piece of no width
    claimed = {n for s in result for ps in s.pieces.values() for n, _, _ in ps}
    claimed.update(n for seg in got.noise for n, _, _ in pieces([seg]))
    empty = [(starts[i], starts[i]) for i, n in enumerate(numbers) if n not in claimed]
    if got.noise or empty:
        ps = [pieces([seg]) for seg in got.noise] + [
            [(numbers[bisect_right(starts, a) - 1], 0, 0)] for a, _ in empty]
        result.append(Stream(id="", label=stream.label, numbers=[p[0][0] for p in ps],
                             texts=[text[a:b].replace("\n", "") for a, b in got.noise]
                             + [""] * len(empty),
                             pieces=dict(enumerate(ps))))
    return result


# Set while the line-level separator reads a write-interleaved region for the
# write layer (demux/__init__.py's gate must not send it back here).
LINE_LEVEL: ContextVar[bool] = ContextVar("line_level", default=False)

LineLevel = Callable[[Stream, list[int], list[Diagnostic]], list[Stream]]


def separate_region(stream: Stream, line_level: LineLevel, noise: list[int],
                    diagnostics: list[Diagnostic]) -> list[Stream] | None:
    """The streams of a write-interleaved region: what the decoder (a small
    region) or else the line-level separator reads credibly (reports whose
    messages are the region's own), and for every other report its first line
    alone (opener and message pieces); the rest of the region is one stream
    of unplaced pieces, never parsed: a mixture of writes must not make up
    reports. None when the decoder could not read the region and no report's
    first line is found."""
    text = "\n".join(stream.texts) + "\n"
    heads = report_heads(text)
    read = separate_writes(stream) if not stream.pieces and decodable(text) else None
    if not heads:
        return read
    wanted = Counter(_head_text(text, h) for h in heads)
    own_noise: list[int] = []
    own_diags: list[Diagnostic] = []
    decoded = read is not None
    whole = True  # the line level read the whole region
    if read is None:
        tail = whole_tail(stream)
        if tail is not None and tail is not stream and headless_dump(tail):
            # a big dump's tail, its head among the broken lines: its templates
            # read the dump's writes before it (writes_templates.py), or else the
            # line level reading the region whole tells which stream goes on into it
            read = _read_by_templates(stream, text, tail)
            tail = stream
        if read is not None:
            decoded, whole = True, False
        else:
            read = _read_lines(line_level, tail, own_noise, own_diags) if tail is not None else []
            whole = tail is stream
    named = set(wanted)
    kept = [s for s in read if not s.unplaced and _credible(s, wanted, named, decoded, not whole)]
    if whole and len(kept) == len(read):
        noise.extend(own_noise)
        diagnostics.extend(own_diags)
        return kept
    cols = Columns(stream)
    claimed = bytearray(len(text))
    for s in kept:
        for a, b in cols.offsets(s):
            claimed[a:b] = b"\1" * (b - a)
    out = list(kept)
    for h in heads:
        segs = [h.opener] + ([h.message] if h.message else [])
        if wanted[_head_text(text, h)] <= 0 or any(
                any(claimed[a:b]) or not cols.cuttable(cols.line(a)) for a, b in segs):
            continue
        wanted[_head_text(text, h)] -= 1
        pieces = [p for a, b in segs for p in cols.span_pieces(a, b)]
        out.append(Stream(id="", label=stream.label, numbers=[pieces[0][0]],
                          texts=["".join(text[a:b] for a, b in segs)], pieces={0: pieces}))
        for a, b in segs:
            claimed[a:b] = b"\1" * (b - a)
    left = cols.unclaimed(claimed, out)
    if left is not None:
        out.append(left)
    return out


def _read_by_templates(stream: Stream, text: str, tail: Stream) -> list[Stream] | None:
    """The streams a big dump's templates and the decoder read (None if not)."""
    if stream.pieces:
        return None
    from .writes_templates import read_by_templates  # (imports the decoder: 15 ms)

    got = read_by_templates(text, len(text) - len(tail.joined()) - 1)
    return decoded_streams(stream, got) if got is not None else None


def _read_lines(line_level: LineLevel, stream: Stream, noise: list[int],
                diagnostics: list[Diagnostic]) -> list[Stream]:
    token = LINE_LEVEL.set(True)
    try:
        return line_level(stream, noise, diagnostics)
    finally:
        LINE_LEVEL.reset(token)


def _head_text(text: str, h: Head) -> str:
    if h.message is None:
        return text[h.opener[0]:h.opener[1]]
    return text[h.message[0]:h.message[1]]


def _credible(s: Stream, wanted: Counter[str], named: set[str], decoded: bool = False,
              tail: bool = False) -> bool:
    """True when no report the stream reads as is a mixture of processes: its
    message is one the region's heads name (each once), or one they could not
    read that stands clean on its line (`panic: boom`); goroutines with no
    header of their own, among broken lines, are pieces of the processes the
    heads open (whole, a dump of its own: runtime.Stack, pprof). In a region's
    whole tail (`tail`), headless goroutines are the rest of a report whose head
    is among the broken lines: no report of their own."""
    from ..model import ReportKind
    from ..parse import parse_stream

    left = wanted.copy()
    for r in parse_stream(s).reports:
        if left[r.message] > 0:
            left[r.message] -= 1
        elif r.kind == ReportKind.GOROUTINE_DUMP:
            # headless pieces of the heads' processes: the decoder's guess, or broken lines
            if decoded or any(is_broken(t) for t in s.texts):
                return False
            if tail:
                return False
        elif not clean_message(r.message) or any(m in r.message for m in named):
            return False  # a head's message with another write glued
    wanted.clear()
    wanted.update(left)
    return True
