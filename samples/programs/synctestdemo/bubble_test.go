// Tests that block inside a testing/synctest bubble (Go 1.25+), for the
// "synctest bubble N" and "(durable)" goroutine headers.
package synctestdemo

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestDeadlock: every goroutine in the bubble is durably blocked when the
// bubble's root goroutine waits -> synctest panics with a deadlock report.
func TestDeadlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { <-ch }()                  // chan receive (durable)
		go func() { select {} }()             // select (no cases)
		go func() { time.Sleep(time.Hour) }() // sleep: durable in a bubble
		wg.Wait()                             // root waits forever
	})
}

// TestHangInBubble: a non-durable block (mutex) keeps the bubble alive;
// the test binary times out and dumps all goroutines.
func TestHangInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		mu.Lock()
		ch := make(chan int)
		go func() { <-ch }()
		mu.Lock()
	})
}
