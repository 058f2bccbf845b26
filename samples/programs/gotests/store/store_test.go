package store

import (
	"fmt"
	"testing"
	"time"
)

// TestPanics: a panicking test -> "--- FAIL", "panic: ... [recovered]", "FAIL pkg".
func TestPanics(t *testing.T) {
	s := New()
	s.Put("a", 1)
}

// TestSub: the panic happens in a subtest.
func TestSub(t *testing.T) {
	for _, name := range []string{"case_a", "case_b"} {
		name := name
		t.Run(name, func(t *testing.T) {
			if name == "case_b" {
				panic(fmt.Sprintf("unexpected input %q", name))
			}
		})
	}
}

// TestHang: blocks so that `go test -timeout 2s` panics with "test timed out".
func TestHang(t *testing.T) {
	s := New()
	go func() { time.Sleep(time.Hour) }()
	s.WaitForever(make(chan int))
}

// TestRace: unsynchronised read/write -> race report under -race.
func TestRace(t *testing.T) {
	s := New()
	done := make(chan bool)
	go func() {
		s.RacyHit()
		done <- true
	}()
	_ = s.RacyHits()
	<-done
}
