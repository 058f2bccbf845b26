package ledger

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// at waits until FLEET_AT (Unix nanoseconds): see ../main.go.
func at() {
	ns, err := strconv.ParseInt(os.Getenv("FLEET_AT"), 10, 64)
	if err == nil {
		time.Sleep(time.Until(time.Unix(0, ns)))
	}
}

func seed() int {
	n, _ := strconv.Atoi(os.Getenv("FLEET_SEED"))
	return n
}

func TestTransferPanics(t *testing.T) {
	at()
	a := &Account{ID: seed(), Balance: 10}
	b := &Account{ID: seed() + 1}
	Transfer(a, b, 52)
}

func TestBalanceMismatch(t *testing.T) {
	at()
	a := &Account{ID: 1, Balance: 5}
	if a.Balance != 5+seed() {
		t.Fatalf("balance = %d, want %d", a.Balance, 5+seed())
	}
}

func TestTransferInGoroutine(t *testing.T) {
	at()
	a := &Account{ID: seed(), Balance: 1}
	done := make(chan struct{})
	go func() {
		Transfer(a, &Account{}, 2+seed())
		close(done) // not deferred: main must not exit while the panic prints
	}()
	<-done
}

// TestPanicGoroutine passes: its name (and its log line) only mention panics.
func TestPanicGoroutine(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Logf("recovered from panic: %v", r)
		}
	}()
	Transfer(&Account{ID: 9}, &Account{}, 1)
}
