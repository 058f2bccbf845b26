// Command formats writes the same small request log through the standard
// library's loggers: slog's TextHandler, slog's JSONHandler and log with
// microseconds and file names, so the record grammar is tested on real output.
package main

import (
	"errors"
	"log"
	"log/slog"
	"os"
	"time"
)

func serve(l *slog.Logger, id, method, path string, status int, took time.Duration, err error) {
	r := l.With(slog.String("request_id", id), slog.Group("http", slog.String("method", method), slog.String("path", path)))
	r.Debug("request started", slog.String("remote", "127.0.0.1:50312"))
	r.Info("storage call", slog.Duration("duration", took), slog.String("op", `Writer("/data", true)`))
	if err != nil {
		r.Error("request failed", slog.Int("status", status), slog.Any("error", err))
		return
	}
	r.Info("request done", slog.Int("status", status))
}

func main() {
	which := "text"
	if len(os.Args) > 1 {
		which = os.Args[1]
	}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	var l *slog.Logger
	switch which {
	case "json":
		l = slog.New(slog.NewJSONHandler(os.Stdout, opts))
	case "log":
		log.SetOutput(os.Stdout)
		log.SetFlags(log.LstdFlags | log.Lmicroseconds | log.Lshortfile)
		log.Printf("listening on %s", "127.0.0.1:8080")
		log.Printf("http: panic serving 127.0.0.1:50312: %v", errors.New("boom"))
		return
	default:
		l = slog.New(slog.NewTextHandler(os.Stdout, opts))
	}
	serve(l, "a1", "POST", "/v2/ci/app/blobs/uploads/", 202, 1200*time.Microsecond, nil)
	serve(l, "b2", "PATCH", "/v2/ci/app/blobs/uploads/7d1f", 500, 2251*time.Millisecond,
		errors.New(`s3aws: Path not found: "/_uploads/7d1f/data"`))
	l.Info("shutting down")
}
