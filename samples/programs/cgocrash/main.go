// Command cgocrash crashes inside C code called through cgo.
//
//	cgocrash segv   - C dereferences NULL: "SIGSEGV: segmentation violation",
//	                  "signal arrived during cgo execution", runtime.cgocall frames
//	cgocrash abort  - C calls abort(): "SIGABRT: abort" during cgo execution
package main

/*
#include <stdlib.h>

static int read_config(int *p) {
	return *p + 1; // p is NULL
}

static void give_up(void) {
	abort();
}
*/
import "C"

import (
	"fmt"
	"os"
	"time"
)

//go:noinline
func loadConfig() int {
	return int(C.read_config(nil))
}

func background(done chan bool) {
	<-done
}

func main() {
	done := make(chan bool)
	go background(done)
	time.Sleep(10 * time.Millisecond)
	switch os.Args[1] {
	case "segv":
		fmt.Println(loadConfig())
	case "abort":
		C.give_up()
	}
}
