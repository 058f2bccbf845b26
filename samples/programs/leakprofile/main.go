// Command leakprofile leaks goroutines and writes the Go 1.26+/1.27
// "goroutineleak" profile with debug=2, where leaked goroutines are shown
// as "[chan receive (leaked)]".
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

//go:noinline
func leakRecv() {
	ch := make(chan int)
	go func() { <-ch }() // nobody else references ch: leaked
}

//go:noinline
func leakMutex() {
	var mu sync.Mutex
	mu.Lock()
	go func() { mu.Lock() }()
}

func main() {
	leakRecv()
	leakMutex()
	for i := 0; i < 10; i++ {
		runtime.Gosched()
	}
	prof := pprof.Lookup("goroutineleak")
	if prof == nil {
		println("no goroutineleak profile in this Go version")
		os.Exit(1)
	}
	prof.WriteTo(os.Stderr, 2)
}
