package main

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// syslogWriter prefixes each line written to it the way syslog's short format
// does (`Mar  9 14:02:11 host prog[pid]: `), as a collector would on the
// process's stdout and stderr. Lines of concurrent writers come out whole.
type syslogWriter struct {
	pw   *io.PipeWriter
	done chan struct{}
}

func newSyslogWriter(out io.Writer, host, prog string, pid int) *syslogWriter {
	pr, pw := io.Pipe()
	w := &syslogWriter{pw: pw, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		bw := bufio.NewWriter(out)
		for sc.Scan() {
			fmt.Fprintf(bw, "%s %s %s[%d]: %s\n", time.Now().Format(time.Stamp), host, prog, pid, sc.Bytes())
		}
		bw.Flush()
	}()
	return w
}

func (w *syslogWriter) Write(p []byte) (int, error) { return w.pw.Write(p) }

func (w *syslogWriter) Close() error {
	w.pw.Close()
	<-w.done
	return nil
}
