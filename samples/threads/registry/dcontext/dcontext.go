// Package dcontext carries the request's logger in a context.Context, as
// docker distribution's registry/context package does, and times calls
// (WithTrace) the way its storage drivers' base wrapper logs them.
package dcontext

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"time"

	"registry/logrus"
)

type loggerKey struct{}

func WithLogger(ctx context.Context, l *logrus.Entry) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

func GetLogger(ctx context.Context) *logrus.Entry {
	return ctx.Value(loggerKey{}).(*logrus.Entry)
}

// UUID returns a random (version 4) UUID.
func UUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// WithTrace returns a func that logs, when called, the message with how long
// it has been since WithTrace and where WithTrace was called from.
func WithTrace(ctx context.Context, format string, args ...any) func() {
	pc, file, line, _ := runtime.Caller(1)
	fn := runtime.FuncForPC(pc).Name()
	id := UUID()
	start := time.Now()
	return func() {
		GetLogger(ctx).WithFields(logrus.Fields{
			"trace.duration": time.Since(start),
			"trace.file":     file,
			"trace.func":     fn,
			"trace.id":       id,
			"trace.line":     line,
		}).Debugf(format, args...)
	}
}
