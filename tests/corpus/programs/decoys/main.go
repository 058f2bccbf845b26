//go:build go1.21

// Command decoys prints real log lines that mention panics, goroutines and
// fatal errors without being Go tracebacks: the noise a demultiplexer must
// not mistake for a crash.
package main

import (
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"runtime"
)

//go:noinline
func guarded(logger *slog.Logger, what string) {
	defer func() {
		if r := recover(); r != nil {
			logger.Info("recovered from panic: " + fmt.Sprint(r))
			log.Printf("http: recovered from panic serving 10.0.0.7:51234: %v", r)
		}
	}()
	panic(what)
}

func main() {
	text := slog.New(slog.NewTextHandler(os.Stdout, nil))
	jsonl := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	log.SetOutput(os.Stdout)
	guarded(text, "foo")
	guarded(jsonl, "bar")
	text.Warn("worker pool busy", "goroutines", runtime.NumGoroutine(), "limit", 5000)
	text.Error("job failed", "err", errors.New("fatal error: upstream closed connection"))
	jsonl.Info("shutting down", "reason", "panic: simulated in chaos test", "goroutine", 1)
	log.Printf("goroutine leak check: %d goroutines running", runtime.NumGoroutine())
	log.Println("panic: false, fatal error: none, goroutine 1 [running]: (see runbook)")
	fmt.Println(`panic("boom")`)
	fmt.Println("goroutine profile written to /tmp/goroutine.pprof")
}
