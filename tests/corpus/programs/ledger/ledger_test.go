package ledger

import (
	"os"
	"strconv"
	"testing"
)

func seed() int {
	n, _ := strconv.Atoi(os.Getenv("FLEET_SEED"))
	return n
}

func TestTransferPanics(t *testing.T) {
	a := &Account{ID: seed(), Balance: 10}
	b := &Account{ID: seed() + 1}
	Transfer(a, b, 52)
}

func TestBalanceMismatch(t *testing.T) {
	a := &Account{ID: 1, Balance: 5}
	if a.Balance != 5+seed() {
		t.Fatalf("balance = %d, want %d", a.Balance, 5+seed())
	}
}

func TestTransferInGoroutine(t *testing.T) {
	a := &Account{ID: seed(), Balance: 1}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Transfer(a, &Account{}, 2+seed())
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
