// Package store is a tiny package whose tests fail in several ways
// (panic, subtest panic, timeout, data race) for traceback samples.
package store

import "sync"

type Store struct {
	mu    sync.Mutex
	items map[string]int
	hits  int // read and written without the lock in Racy* (data race)
}

func New() *Store { return &Store{} }

// Put panics on a nil map: items is never initialised.
func (s *Store) Put(k string, v int) { s.items[k] = v }

func (s *Store) Get(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.items[k]
}

// RacyHit increments hits without the lock.
func (s *Store) RacyHit() { s.hits++ }

// RacyHits reads hits without the lock.
func (s *Store) RacyHits() int { return s.hits }

// WaitForever blocks on a channel nobody sends to.
func (s *Store) WaitForever(ch chan int) int { return <-ch }
