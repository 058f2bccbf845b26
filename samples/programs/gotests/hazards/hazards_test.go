// Package hazards' tests fail the ways go test's own flags and helpers report:
// a data race the race detector sees inside a test (go test -race), a test that
// outlives -timeout (testing's alarm panics, naming the tests running), and a
// panic in a t.Cleanup function (tests/data/gotest_hazards/make.sh).
package hazards

import (
	"testing"
	"time"
)

type ledger struct{ entries int }

func (l *ledger) add() { l.entries++ }

// TestRace: a goroutine adds to the ledger while the test does, unsynchronised.
func TestRace(t *testing.T) {
	l := &ledger{}
	done := make(chan struct{})
	go func() {
		l.add()
		close(done)
	}()
	l.add()
	<-done
	t.Logf("entries: %d", l.entries)
}

// TestHang waits for a reply that never comes: past -timeout, testing's alarm panics.
func TestHang(t *testing.T) {
	reply := make(chan string)
	select {
	case r := <-reply:
		t.Log(r)
	case <-time.After(time.Hour):
	}
}

type lease struct{ held bool }

func (l *lease) release() {
	if !l.held {
		panic("lease released twice")
	}
	l.held = false
}

// TestCleanupPanic releases its lease, then its cleanup releases it again.
func TestCleanupPanic(t *testing.T) {
	l := &lease{held: true}
	t.Cleanup(l.release)
	l.release()
	t.Log("released")
}
