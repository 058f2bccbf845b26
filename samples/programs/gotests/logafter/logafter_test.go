package logafter

import (
	"os"
	"testing"
	"time"
)

// TestMain waits after the tests, as a binary whose goroutines outlive them does.
func TestMain(m *testing.M) {
	code := m.Run()
	time.Sleep(300 * time.Millisecond)
	os.Exit(code)
}

// TestLogAfter: a goroutine the test started logs through t after every test
// returned -> "panic: Log in goroutine after TestLogAfter has completed: late".
func TestLogAfter(t *testing.T) {
	go func() {
		time.Sleep(100 * time.Millisecond)
		t.Log("late")
	}()
}
