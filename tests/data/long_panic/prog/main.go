// A panic whose value is a whole HTTP body: the runtime's first line is longer
// than the traceback grammar reads (64 KiB).
package main

import (
	"fmt"
	"strings"
)

func decode(body string) {
	panic(fmt.Sprintf("unexpected response: %s", body))
}

func main() {
	decode("[" + strings.Repeat(`{"id": 1, "name": "blob"}, `, 4000) + "]")
}
