// A service that recovers a handler's panic and logs it to the journal as one
// record, the way journal.Send does: MESSAGE holds the panic and its stack,
// newlines and all (the native protocol's binary-safe field). Then it crashes
// for real, its stderr going to the journal line by line through systemd-cat.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"runtime/debug"
)

func send(message string) {
	conn, err := net.Dial("unixgram", "/run/systemd/journal/socket")
	if err != nil {
		fmt.Fprintln(os.Stderr, "journal:", err)
		return
	}
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "SYSLOG_IDENTIFIER=%s\nPRIORITY=3\n", os.Args[1])
	b.WriteString("MESSAGE\n")
	binary.Write(&b, binary.LittleEndian, uint64(len(message)))
	b.WriteString(message)
	b.WriteString("\n")
	conn.Write(b.Bytes())
}

type order struct{ items []string }

func handle(o *order, i int) string { return o.items[i] }

func serve(o *order, i int) {
	defer func() {
		if r := recover(); r != nil {
			send(fmt.Sprintf("panic: %v\n\n%s", r, debug.Stack()))
		}
	}()
	handle(o, i)
}

func main() {
	serve(&order{items: []string{"a"}}, 3)
	var o *order
	handle(o, 0)
}
