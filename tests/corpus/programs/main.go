// Command fleet crashes, or dumps its goroutines, in one of several ways so
// that the stackdemux corpus harness (../make_cases.py) can run many of them
// at once and interleave their output. Usage:
//
//	fleet SCENARIO [N] [SEED]
//
// N sizes the scenario (goroutines, workers); SEED varies messages and the
// shape of the goroutines so that processes in one case differ. Kept
// compatible with Go 1.19 (the oldest toolchain the harness uses).
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	size = 3
	seed = 1
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fleet SCENARIO [N] [SEED]")
		os.Exit(64)
	}
	if len(os.Args) > 2 {
		size, _ = strconv.Atoi(os.Args[2])
	}
	if len(os.Args) > 3 {
		seed, _ = strconv.Atoi(os.Args[3])
	}
	run, ok := scenarios[os.Args[1]]
	if !ok {
		fmt.Fprintln(os.Stderr, "unknown scenario", os.Args[1])
		os.Exit(64)
	}
	run()
}

// at waits until FLEET_AT (Unix nanoseconds), so that the processes the
// harness starts together crash at the same moment and their output mixes.
func at() {
	ns, err := strconv.ParseInt(os.Getenv("FLEET_AT"), 10, 64)
	if err != nil {
		return
	}
	time.Sleep(time.Until(time.Unix(0, ns)))
}

var scenarios = map[string]func(){
	"bolt":     boltCorrupt,
	"hub":      hubTimeout,
	"error":    panicError,
	"repanic":  panicRecoveredRepanic,
	"nil":      nilDeref,
	"maps":     concurrentMapWrites,
	"deadlock": deadlock,
	"many":     many,
	"hang":     hang,
	"small":    small,
}

// ---------------------------------------------------------------- bbolt ---

type Store struct {
	db   *bolt.DB
	name string
}

//go:noinline
func (s *Store) Lookup(key string, root uint64) []byte {
	var out []byte
	_ = s.db.View(func(tx *bolt.Tx) error {
		out = tx.Bucket([]byte(s.name), root).Get([]byte(key))
		return nil
	})
	return out
}

// boltCorrupt: a worker reads a bucket whose root page is corrupt:
// "panic: invalid page type: 6432: 10" from vendor/go.etcd.io/bbolt.
func boltCorrupt() {
	corrupt := uint64(6432)
	if seed%3 == 1 {
		corrupt = uint64(6400 + seed)
	}
	s := &Store{db: bolt.Open(0), name: "objects"}
	s.db = bolt.Open(corrupt)
	startIdle(size)
	done := make(chan struct{})
	go func() {
		for i := uint64(0); i < 8; i++ {
			s.Lookup("key-"+strconv.Itoa(int(i)), i)
		}
		at()
		s.Lookup("sha256:"+strconv.Itoa(seed), corrupt)
		close(done) // not deferred: main must not exit while the panic prints
	}()
	<-done
}

// ------------------------------------------------------------------ hub ---

type Hub struct {
	mu      sync.Mutex
	conns   chan int
	workers int
}

//go:noinline
func (h *Hub) acceptLoop(stop chan struct{}) {
	for {
		select {
		case c := <-h.conns:
			_ = c
		case <-stop:
			return
		}
	}
}

//go:noinline
func (h *Hub) lockHolder(d time.Duration) {
	h.mu.Lock()
	time.Sleep(d)
	h.mu.Unlock()
}

//go:noinline
func (h *Hub) waiter() {
	h.mu.Lock()
	h.mu.Unlock()
}

//go:noinline
func (h *Hub) Shutdown(timeout time.Duration) {
	time.Sleep(timeout)
	at()
	panic(fmt.Sprintf("shutdown timeout: %d of %d workers still running", h.workers-4+seed%4, h.workers))
}

// hubTimeout: a hub whose shutdown times out while goroutines are parked.
func hubTimeout() {
	h := &Hub{conns: make(chan int), workers: 60}
	stop := make(chan struct{})
	go h.acceptLoop(stop)
	go h.lockHolder(time.Hour)
	time.Sleep(5 * time.Millisecond)
	for i := 0; i < size; i++ {
		go h.waiter()
	}
	h.Shutdown(20 * time.Millisecond)
}

// --------------------------------------------------------------- panics ---

type ConfigError struct {
	Key  string
	Line int
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("config: bad value for %q on line %d", e.Key, e.Line)
}

var errNotFound = errors.New("record not found")

//go:noinline
func loadConfig(path string, line int) error {
	if line%2 == 0 {
		return fmt.Errorf("loading %s: %w", path, &ConfigError{Key: "listen_addr", Line: line})
	}
	return fmt.Errorf("loading %s: %w", path, errNotFound)
}

//go:noinline
func mustLoad(path string) {
	if err := loadConfig(path, seed); err != nil {
		panic(err)
	}
}

// panicError: panic with an error value from a goroutine started by main.
func panicError() {
	startIdle(size)
	done := make(chan struct{})
	go func() {
		at()
		mustLoad("/etc/fleet/node-" + strconv.Itoa(seed) + ".yaml")
		close(done) // not deferred: main must not exit while the panic prints
	}()
	<-done
}

//go:noinline
func handle(req int) {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("handler %d: %v (re-panicked)", req, r))
		}
	}()
	var items []int
	_ = items[req] // index out of range
}

// panicRecoveredRepanic: a runtime error recovered and re-panicked.
func panicRecoveredRepanic() {
	startIdle(size)
	at()
	handle(seed + 2)
}

// ------------------------------------------------------------- runtime ---

type Session struct {
	User *User
}

type User struct {
	Name string
	ID   int
}

//go:noinline
func (s *Session) Greeting() string {
	return "hello " + s.User.Name + "#" + strconv.Itoa(s.User.ID)
}

// nilDeref: SIGSEGV from a nil pointer field.
func nilDeref() {
	startIdle(size)
	at()
	sessions := []*Session{{User: &User{Name: "ada", ID: 1}}, {}}
	for _, s := range sessions {
		fmt.Fprintln(os.Stdout, s.Greeting())
	}
}

// concurrentMapWrites: fatal error: concurrent map writes.
func concurrentMapWrites() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			at()
			for i := 0; ; i++ {
				m[i%1024] = w
			}
		}(w)
	}
	wg.Wait()
}

// deadlock: fatal error: all goroutines are asleep - deadlock!
func deadlock() {
	var mu sync.Mutex
	ch := make(chan int)
	for i := 0; i < size; i++ {
		go func() {
			mu.Lock()
			ch <- 1
		}()
	}
	time.Sleep(10 * time.Millisecond)
	at()
	var wg sync.WaitGroup
	wg.Add(1)
	wg.Wait()
}

// ------------------------------------------------------------ big dumps ---

//go:noinline
func parkOnChan(ch chan int) { <-ch }

//go:noinline
func parkOnMutex(mu *sync.Mutex) { mu.Lock() }

//go:noinline
func parkOnSelect(a, b chan int) {
	select {
	case <-a:
	case <-b:
	}
}

//go:noinline
func parkOnSleep() { time.Sleep(time.Hour) }

//go:noinline
func parkOnCond(c *sync.Cond) {
	c.L.Lock()
	c.Wait()
}

type pool struct {
	ch   chan int
	mu   sync.Mutex
	cond *sync.Cond
}

//go:noinline
func (p *pool) worker(i int) {
	switch (i + seed) % 5 {
	case 0:
		parkOnChan(p.ch)
	case 1:
		parkOnMutex(&p.mu)
	case 2:
		parkOnSelect(p.ch, p.ch)
	case 3:
		parkOnSleep()
	default:
		parkOnCond(p.cond)
	}
}

// startIdle starts n goroutines parked in several ways and waits until they
// are parked, so that GOTRACEBACK=all dumps show them.
func startIdle(n int) *pool {
	p := &pool{ch: make(chan int)}
	p.cond = sync.NewCond(&sync.Mutex{})
	p.mu.Lock()
	for i := 0; i < n; i++ {
		go p.worker(i)
	}
	time.Sleep(time.Duration(5+n/500) * time.Millisecond)
	return p
}

// many: N parked goroutines, then main panics.
func many() {
	startIdle(size)
	at()
	panic(fmt.Sprintf("pool exhausted: %d workers parked (seed %d)", size, seed))
}

// hang: N parked goroutines; says "ready" and waits for SIGQUIT.
func hang() {
	startIdle(size)
	fmt.Fprintln(os.Stdout, "ready")
	time.Sleep(time.Hour)
}

// small: 1–5 goroutines, then a goroutine panics with a formatted value.
func small() {
	startIdle(size)
	type job struct {
		ID    int
		Queue string
	}
	done := make(chan struct{})
	go func() {
		at()
		if seed >= 0 { // always: the condition only keeps close(done) reachable
			panic(fmt.Sprintf("job %v: retries exhausted after %d attempts", job{ID: seed, Queue: "default"}, seed%7+1))
		}
		close(done) // not deferred: main must not exit while the panic prints
	}()
	<-done
}
