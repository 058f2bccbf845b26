// Command registry imitates docker distribution serving `docker push`es, to
// produce a realistic, interleaved service log: it starts the registry on a
// loopback port, pushes images to it from concurrent clients, and writes the
// registry's log (logrus-shaped logfmt, plus the standard logger's lines such
// as net/http's "http: panic serving") through a syslog-style prefixer to
// stdout. The storage backend creates multipart uploads asynchronously, and a
// few uploads are slow, so the PATCH that follows the POST at once sometimes
// finds no upload: "s3aws: Path not found: …/_uploads/<uuid>/data" and a 500.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"registry/logrus"
	"registry/storage/driver/base"
	"registry/storage/driver/s3aws"
)

func main() {
	pushes := flag.Int("pushes", 24, "images to push")
	parallel := flag.Int("parallel", 8, "pushes at a time")
	host := flag.String("host", "10.1.0.7", "host name the syslog prefix shows")
	seed := flag.Int64("seed", 1, "random seed (blob contents, backend latencies)")
	flag.Parse()

	out := newSyslogWriter(os.Stdout, *host, "registry", os.Getpid())
	log.SetOutput(out) // net/http's errors go to the standard logger
	logger := logrus.New(out)

	driver := s3aws.New(*seed)
	var uploads atomic.Int64
	rnd := rand.New(rand.NewSource(*seed))
	var rndMu sync.Mutex
	driver.CreateDelay = func(string) time.Duration {
		// Most multipart uploads exist within 15 ms; two are slow (400 ms),
		// longer than Writer's list-and-retry waits.
		if n := uploads.Add(1); n == 7 || n == 29 {
			return 400 * time.Millisecond
		}
		rndMu.Lock()
		defer rndMu.Unlock()
		return time.Duration(rnd.Intn(15000)) * time.Microsecond
	}
	app := &App{log: logger, storage: &base.Base{Driver: driver}}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 5 * time.Second}
	logger.WithFields(logrus.Fields{"go.version": runtime.Version()}).Infof("listening on %v", ln.Addr())
	go srv.Serve(ln)

	p := &pusher{base: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 10 * time.Second}}
	work := make(chan push)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := 0; i < *parallel; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for img := range work {
				if err := p.push(img); err != nil {
					failed.Add(1)
					fmt.Fprintf(os.Stderr, "push %s:%s: %v\n", img.name, img.tag, err)
				}
			}
		}()
	}
	for _, img := range images(*pushes, rand.New(rand.NewSource(*seed))) {
		work <- img
	}
	close(work)
	wg.Wait()

	// Let the slow uploads finish before the process goes away.
	time.Sleep(500 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	logger.WithFields(logrus.Fields{"go.version": runtime.Version()}).Infof("shut down")
	out.Close()
	fmt.Fprintf(os.Stderr, "%d pushes, %d failed\n", *pushes, failed.Load())
}
