// Package spin hangs a test so that go test's own watchdog kills it.
package spin

import "testing"

var turns int

// TestSpin never returns and never lets the test's -timeout alarm run: the
// loop calls nothing (no cooperative preemption point) and the scenario runs
// it with GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1, so the alarm's goroutine
// never gets the only P. A minute after -timeout, go test sends the test
// binary SIGQUIT and prints "*** Test killed with quit: ran too long".
func TestSpin(t *testing.T) {
	for {
		turns++
	}
}
