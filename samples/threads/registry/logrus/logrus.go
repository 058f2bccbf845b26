// Package logrus is a small logger that writes records the way
// github.com/sirupsen/logrus's TextFormatter does (with the options docker
// distribution sets: RFC 3339 nano timestamps in UTC, no colours): time, level
// and msg first, then the fields sorted by key, values quoted with %q only when
// they hold a character outside logrus's bare set.
package logrus

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

type Fields map[string]any

type Logger struct {
	mu  sync.Mutex
	out io.Writer
}

func New(out io.Writer) *Logger { return &Logger{out: out} }

// Entry is a logger with fields, as logrus.WithFields returns.
type Entry struct {
	logger *Logger
	fields Fields
}

func (l *Logger) WithFields(f Fields) *Entry { return (&Entry{logger: l}).WithFields(f) }

func (e *Entry) WithField(k string, v any) *Entry { return e.WithFields(Fields{k: v}) }

func (e *Entry) WithFields(f Fields) *Entry {
	merged := make(Fields, len(e.fields)+len(f))
	for k, v := range e.fields {
		merged[k] = v
	}
	for k, v := range f {
		merged[k] = v
	}
	return &Entry{logger: e.logger, fields: merged}
}

func (e *Entry) Debugf(format string, args ...any) { e.log("debug", fmt.Sprintf(format, args...)) }
func (e *Entry) Infof(format string, args ...any)  { e.log("info", fmt.Sprintf(format, args...)) }
func (e *Entry) Warnf(format string, args ...any)  { e.log("warning", fmt.Sprintf(format, args...)) }
func (e *Entry) Errorf(format string, args ...any) { e.log("error", fmt.Sprintf(format, args...)) }

func (e *Entry) log(level, msg string) {
	var b strings.Builder
	b.WriteString("time=")
	appendValue(&b, time.Now().UTC().Format(time.RFC3339Nano))
	b.WriteString(" level=")
	b.WriteString(level)
	b.WriteString(" msg=")
	appendValue(&b, msg)
	keys := make([]string, 0, len(e.fields))
	for k := range e.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteByte('=')
		appendValue(&b, fmt.Sprint(e.fields[k]))
	}
	b.WriteByte('\n')
	e.logger.mu.Lock()
	defer e.logger.mu.Unlock()
	io.WriteString(e.logger.out, b.String())
}

// needsQuoting is logrus's TextFormatter.needsQuoting.
func needsQuoting(text string) bool {
	for _, ch := range text {
		if !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			ch == '-' || ch == '.' || ch == '_' || ch == '/' || ch == '@' || ch == '^' || ch == '+') {
			return true
		}
	}
	return false
}

func appendValue(b *strings.Builder, s string) {
	if needsQuoting(s) {
		fmt.Fprintf(b, "%q", s)
	} else {
		b.WriteString(s)
	}
}
