// Command crashers crashes (or dumps goroutines) in one of many ways, chosen
// by its first argument. Every scenario exists to make a real Go runtime print
// one particular traceback shape; the comment above each case says which.
//
// Keep this file compatible with Go 1.19 (no min/max, no range-over-int,
// no errors.Join) so that every toolchain can build it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type scenario struct {
	what string
	run  func()
}

var scenarios = map[string]scenario{}

func register(name, what string, f func()) { scenarios[name] = scenario{what, f} }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: crashers SCENARIO")
		for name, s := range scenarios {
			fmt.Fprintf(os.Stderr, "  %-32s %s\n", name, s.what)
		}
		os.Exit(64)
	}
	s, ok := scenarios[os.Args[1]]
	if !ok {
		fmt.Fprintln(os.Stderr, "unknown scenario", os.Args[1])
		os.Exit(64)
	}
	s.run()
}

// ---------------------------------------------------------------------------
// Panic values.

type colour int

func (c colour) String() string { return "colour#" + strconv.Itoa(int(c)) }

type point struct {
	X, Y int
	Name string
}

type code int

type myErr struct {
	Op   string
	Code int
}

func (e *myErr) Error() string { return fmt.Sprintf("myErr: op %s failed with code %d", e.Op, e.Code) }

//go:noinline
func doPanic(v interface{}) { panic(v) }

//go:noinline
func handleRequest(id int, name string) { doPanic(fmt.Sprintf("boom (request %d, %s)", id, name)) }

func init() {
	// plain string value
	register("panic_string", "panic(\"boom\")", func() { panic("boom") })
	// string built at run time, two user frames deep
	register("panic_nested_call", "panic from a nested call with args", func() { handleRequest(42, "alice") })
	// error value: runtime calls Error()
	register("panic_error", "panic(errors.New(...))", func() { doPanic(errors.New("something failed")) })
	// wrapped error
	register("panic_wrapped_error", "panic(fmt.Errorf(\"...: %w\", err))", func() {
		_, err := os.Open("/nonexistent/config.yaml")
		doPanic(fmt.Errorf("load config: %w", err))
	})
	// fmt.Stringer value: runtime calls String()
	register("panic_stringer", "panic(Stringer)", func() { doPanic(colour(7)) })
	// struct value: runtime prints (type) address or the value
	register("panic_struct", "panic(struct value)", func() { doPanic(point{X: 1, Y: 2, Name: "p"}) })
	// pointer to struct
	register("panic_struct_ptr", "panic(&struct)", func() { doPanic(&point{X: 1, Y: 2, Name: "p"}) })
	// basic int / float / named int / bool
	register("panic_int", "panic(42)", func() { doPanic(42) })
	register("panic_float", "panic(3.14)", func() { doPanic(3.14) })
	register("panic_named_int", "panic(code(42)) named non-Stringer int type", func() { doPanic(code(42)) })
	register("panic_bool", "panic(false)", func() { doPanic(false) })
	// custom error type (pointer receiver)
	register("panic_custom_error", "panic(&myErr{...})", func() { doPanic(&myErr{Op: "write", Code: 28}) })
	// panic(nil): 1.21+ turns it into *runtime.PanicNilError unless GODEBUG=panicnil=1
	register("panic_nil", "panic(nil)", func() { doPanic(nil) })
	// multi-line value: 1.23+ indents continuation lines with a tab
	register("panic_multiline", "panic(\"line1\\nline2\\nline3\")", func() { doPanic("line1\nline2\nline3") })
	// multi-line error value
	register("panic_multiline_error", "panic(errors.New(multi-line))", func() {
		doPanic(errors.New("validation failed:\n  field a: required\n  field b: too long"))
	})
}

// ---------------------------------------------------------------------------
// Recovered / re-panicked chains.

//go:noinline
func repanicSame() {
	defer func() {
		r := recover()
		panic(r) // 1.23+: "panic: first [recovered, repanicked]" on 1.25+
	}()
	doPanic("first")
}

//go:noinline
func recoverThenSecond() {
	defer func() {
		recover()
		panic("second") // "panic: first [recovered]" then "\tpanic: second"
	}()
	doPanic("first")
}

//go:noinline
func nestedNoRecover() {
	defer func() {
		panic("second") // "panic: first" then "\tpanic: second"
	}()
	doPanic("first")
}

//go:noinline
func tripleChain() {
	defer func() { panic(fmt.Errorf("third: %v", recover())) }()
	defer func() { panic("second") }()
	doPanic("first")
}

func init() {
	register("repanic_same_value", "defer { r := recover(); panic(r) }", repanicSame)
	register("recover_then_panic", "defer { recover(); panic(\"second\") }", recoverThenSecond)
	register("nested_panic", "defer { panic(\"second\") } without recover", nestedNoRecover)
	register("panic_chain3", "three panics, last one recovers", tripleChain)
}

// ---------------------------------------------------------------------------
// Runtime errors.

type animal interface{ Sound() string }
type dog struct{}

func (dog) Sound() string { return "woof" }

type node struct {
	next *node
	val  int
}

//go:noinline
func readVal(n *node) int { return n.val }

//go:noinline
func index(s []int, i int) int { return s[i] }

//go:noinline
func slice(s []int, i, j int) []int { return s[i:j] }

//go:noinline
func div(a, b int) int { return a / b }

var sinkAny interface{}

func init() {
	register("nil_pointer", "nil pointer dereference (SIGSEGV addr=0x0)", func() { fmt.Println(readVal(nil)) })
	register("nil_map", "assignment to entry in nil map", func() {
		var m map[string]int
		m["x"] = 1
	})
	register("index_out_of_range", "index out of range [5] with length 3", func() { fmt.Println(index([]int{1, 2, 3}, 5)) })
	register("slice_bounds", "slice bounds out of range", func() { fmt.Println(slice([]int{1, 2, 3}, 2, 7)) })
	register("divide_by_zero", "integer divide by zero", func() { fmt.Println(div(1, len(os.Args)-2)) })
	register("type_assertion", "interface conversion: interface {} is string, not int", func() {
		sinkAny = "hello"
		fmt.Println(sinkAny.(int))
	})
	register("type_assertion_method", "interface conversion: missing method", func() {
		sinkAny = 3
		fmt.Println(sinkAny.(animal).Sound())
	})
	register("close_closed_channel", "close of closed channel", func() {
		c := make(chan int)
		close(c)
		close(c)
	})
	register("send_closed_channel", "send on closed channel", func() {
		c := make(chan int, 1)
		close(c)
		c <- 1
	})
	register("close_nil_channel", "close of nil channel", func() {
		var c chan int
		close(c)
	})
	register("negative_waitgroup", "sync: negative WaitGroup counter", func() {
		var wg sync.WaitGroup
		wg.Done()
	})
	register("unlock_unlocked_mutex", "fatal error: sync: unlock of unlocked mutex", func() {
		var mu sync.Mutex
		mu.Unlock()
	})
	register("runlock_unlocked_rwmutex", "fatal error: sync: RUnlock of unlocked RWMutex", func() {
		var mu sync.RWMutex
		mu.RUnlock()
	})
}

// ---------------------------------------------------------------------------
// Fatal errors.

//go:noinline
func recurse(depth int, pad [4]int) int {
	if depth < 0 {
		return 0
	}
	return recurse(depth+1, pad) + pad[depth%4]
}

//go:noinline
func mutualA(n int) int { return mutualB(n+1) + 1 }

//go:noinline
func mutualB(n int) int { return mutualA(n+1) + 2 }

func init() {
	register("deadlock", "all goroutines are asleep - deadlock!", func() {
		var mu sync.Mutex
		mu.Lock()
		ch := make(chan int)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { mu.Lock() }()              // sync.Mutex.Lock
		go func() { <-ch }()                   // chan receive
		go func() { select {} }()              // select (no cases)
		go func() { wg.Wait() }()              // sync.WaitGroup.Wait
		go func() { var c chan int; c <- 1 }() // chan send (nil chan)
		time.Sleep(50 * time.Millisecond)
		ch2 := make(chan struct{})
		<-ch2
	})
	register("concurrent_map_writes", "fatal error: concurrent map writes", func() {
		m := map[int]int{}
		for i := 0; i < 4; i++ {
			go func(i int) {
				for j := 0; ; j++ {
					m[j%1000] = i
				}
			}(i)
		}
		select {}
	})
	register("concurrent_map_read_write", "fatal error: concurrent map read and map write", func() {
		m := map[int]int{}
		go func() {
			for j := 0; ; j++ {
				m[j%1000] = j
			}
		}()
		for j := 0; ; j++ {
			_ = m[j%1000]
		}
	})
	register("concurrent_map_iteration_write", "fatal error: concurrent map iteration and map write", func() {
		m := map[int]int{}
		for i := 0; i < 1000; i++ {
			m[i] = i
		}
		go func() {
			for j := 0; ; j++ {
				m[j%1000] = j
			}
		}()
		for {
			for k := range m {
				_ = k
			}
		}
	})
	register("stack_overflow", "fatal error: stack overflow (SetMaxStack 8 MB)", func() {
		debug.SetMaxStack(8 << 20)
		fmt.Println(recurse(1, [4]int{1, 2, 3, 4}))
	})
	register("stack_overflow_mutual", "stack overflow through two mutually recursive functions", func() {
		debug.SetMaxStack(8 << 20)
		fmt.Println(mutualA(0))
	})
	register("out_of_memory", "fatal error: runtime: out of memory (run under prlimit --as)", func() {
		var keep [][]byte
		for i := 0; i < 64; i++ {
			b := make([]byte, 256<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			keep = append(keep, b)
		}
		fmt.Println(len(keep))
	})
	register("fault", "unexpected fault address + fatal error: fault (read from munmap'd page)", func() {
		b, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			panic(err)
		}
		p := unsafe.Pointer(&b[0])
		syscall.Munmap(b)
		fmt.Println(*(*int)(p))
	})
	register("fault_panic", "SetPanicOnFault(true): panic: runtime error: invalid memory address (non-nil addr)", func() {
		debug.SetPanicOnFault(true)
		b, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			panic(err)
		}
		p := unsafe.Pointer(&b[0])
		syscall.Munmap(b)
		fmt.Println(*(*int)(p))
	})
	register("throw_unlock_bad", "fatal error from the runtime via sync.Mutex misuse in goroutine", func() {
		var mu sync.Mutex
		done := make(chan bool)
		go func() { mu.Unlock(); done <- true }()
		<-done
	})
}

// ---------------------------------------------------------------------------
// GOTRACEBACK variants: a few goroutines parked, then a nil deref.

type server struct {
	name string
	mu   sync.Mutex
}

//go:noinline
func (s *server) worker(id int, jobs <-chan int) {
	for j := range jobs {
		_ = j
	}
}

//go:noinline
func (s *server) handle(req *node) int { return readVal(req.next) }

func startBackground() {
	s := &server{name: "bg"}
	jobs := make(chan int)
	for i := 0; i < 3; i++ {
		go s.worker(i, jobs)
	}
	go func() { time.Sleep(time.Hour) }()
	go func() {
		t := time.NewTicker(time.Hour)
		select {
		case <-t.C:
		case <-jobs:
		}
	}()
	time.Sleep(20 * time.Millisecond)
}

func init() {
	register("traceback_variants", "nil deref in main with background goroutines; run with GOTRACEBACK=...", func() {
		startBackground()
		s := &server{name: "main"}
		fmt.Println(s.handle(&node{}))
	})
	register("panic_in_goroutine", "panic in a non-main goroutine created by a func literal", func() {
		startBackground()
		done := make(chan bool)
		go func() {
			handleRequest(7, "bob")
			done <- true
		}()
		<-done
	})
}

// ---------------------------------------------------------------------------
// Signal dumps: goroutines parked in many states, then wait for a signal.

var keepPipeWriter *os.File

//go:noinline
func blockOnPipe(r *os.File) {
	buf := make([]byte, 1)
	r.Read(buf)
}

//go:noinline
func blockOnConn(ln net.Listener) {
	c, err := ln.Accept()
	if err == nil {
		io.Copy(io.Discard, c)
	}
}

//go:noinline
func lockedThreadWorker(ch chan int) {
	runtime.LockOSThread()
	<-ch
}

//go:noinline
func condWaiter(c *sync.Cond) {
	c.L.Lock()
	c.Wait()
	c.L.Unlock()
}

func parkMany() {
	var mu sync.Mutex
	mu.Lock()
	var rw sync.RWMutex
	rw.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	ch := make(chan int)
	sendOnly := make(chan int)
	cond := sync.NewCond(&sync.Mutex{})
	r, w, _ := os.Pipe()
	keepPipeWriter = w // a collected writer would be closed and the read would end
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { <-ch }()          // chan receive
	go func() { sendOnly <- 1 }() // chan send
	go func() {
		select {
		case <-ch:
		case <-time.After(time.Hour):
		}
	}() // select
	go func() { select {} }()             // select (no cases)
	go func() { time.Sleep(time.Hour) }() // sleep
	go func() { mu.Lock() }()             // sync.Mutex.Lock
	go func() { rw.RLock() }()            // sync.RWMutex.RLock
	go func() { wg.Wait() }()             // sync.WaitGroup.Wait
	go condWaiter(cond)                   // sync.Cond.Wait
	go blockOnPipe(r)                     // IO wait (pipe)
	go blockOnConn(ln)                    // IO wait (accept)
	go lockedThreadWorker(ch)             // locked to thread
	go func() { var c chan int; <-c }()   // chan receive (nil chan)
	time.Sleep(100 * time.Millisecond)
}

func init() {
	register("wait_for_signal", "goroutines in many states; waits for SIGQUIT/SIGABRT", func() {
		parkMany()
		// The runtime learns when a goroutine started waiting only when a GC
		// scans its stack (using the previous GC's start time, so it takes two);
		// without this no "N minutes" would ever be printed.
		runtime.GC()
		runtime.GC()
		fmt.Println("ready")
		ch := make(chan int)
		<-ch
	})
	register("pprof_debug2", "pprof goroutine profile debug=2 to stderr (no crash)", func() {
		parkMany()
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
	})
	register("pprof_debug1", "pprof goroutine profile debug=1 to stderr (no crash)", func() {
		parkMany()
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
	})
	register("runtime_stack", "runtime.Stack(buf, true) printed to stdout (no crash)", func() {
		parkMany()
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		os.Stdout.Write(buf[:n])
	})
	register("debug_printstack", "debug.PrintStack() to stderr (no crash)", func() {
		handleStack(3)
	})
}

//go:noinline
func handleStack(n int) {
	if n > 0 {
		handleStack(n - 1)
		return
	}
	debug.PrintStack()
}

// ---------------------------------------------------------------------------
// go-statement wrappers and created-by lines.

type pool struct{ name string }

//go:noinline
func (p *pool) run(id int, tag string, done chan bool) {
	<-done
}

//go:noinline
func (p pool) runValue(id int) { select {} }

//go:noinline
func namedWorker(a, b int, s string) { select {} }

//go:noinline
func spawnNested(depth int, done chan bool) {
	if depth == 0 {
		<-done
		return
	}
	go spawnNested(depth-1, done)
	<-done
}

func init() {
	register("goroutine_wrappers", "go func(){}, go obj.Method(args), go f(args); then panic with GOTRACEBACK=all", func() {
		done := make(chan bool)
		p := &pool{name: "p"}
		go p.run(1, "tag", done)       // method with args -> gowrap / func1 wrapper
		go pool{name: "v"}.runValue(2) // value-receiver method
		go namedWorker(1, 2, "three")  // plain function with args
		go func() { <-done }()         // func literal
		go func(x int) { <-done }(5)   // func literal with args
		go spawnNested(2, done)        // created by a goroutine that is not main
		defer func() { go func() { <-done }() }()
		time.Sleep(50 * time.Millisecond)
		handleRequest(1, "wrappers")
	})
	register("ancestors", "chain of goroutines; run with GODEBUG=tracebackancestors=5", func() {
		done := make(chan bool)
		var spawn func(n int)
		spawn = func(n int) {
			if n == 0 {
				time.Sleep(20 * time.Millisecond)
				handleRequest(n, "ancestors")
			}
			go spawn(n - 1)
			<-done
		}
		go spawn(3)
		<-done
	})
	register("labels", "pprof.Do labels, then panic; GOTRACEBACK=all (1.27: labels in header)", func() {
		done := make(chan bool)
		ctx := context.Background()
		go pprof.Do(ctx, pprof.Labels("request_id", "abc123", "user", "alice smith"), func(context.Context) { <-done })
		go pprof.Do(ctx, pprof.Labels("worker", "7"), func(context.Context) { <-done })
		time.Sleep(20 * time.Millisecond)
		pprof.Do(ctx, pprof.Labels("handler", "/api/v1/items"), func(context.Context) {
			handleRequest(3, "labels")
		})
	})
	register("running_other_thread", "busy goroutine on another thread while main panics (GOTRACEBACK=all)", func() {
		runtime.GOMAXPROCS(2)
		var n uint64
		started := make(chan bool)
		go func() {
			close(started)
			for {
				n++
			}
		}()
		<-started
		time.Sleep(50 * time.Millisecond)
		handleRequest(9, "busy")
	})
}

// ---------------------------------------------------------------------------
// Frame decorations: inlined frames, aggregate args, inaccurate args, elided args,
// generic functions.

type big struct {
	A, B, C int
	S       string
}

// deep nests structs past the depth the compiler describes: printed as {...}
type deep struct {
	L1 struct {
		L2 struct {
			L3 struct{ L4 struct{ L5 struct{ V int } } }
		}
	}
}

//go:noinline
func manyArgs(a, b, c, d, e, f, g, h, i, j, k, l int) int {
	if a > 0 {
		doPanic("many args")
	}
	return a + b + c + d + e + f + g + h + i + j + k + l
}

//go:noinline
func aggArgs(b big, arr [3]int, s []string, m map[string]int, x interface{}, bp *big) {
	manyArgs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
}

//go:noinline
func deepArg(d deep, n int) {
	aggArgs(big{A: 1, B: 2, C: 3, S: "s"}, [3]int{4, 5, 6}, []string{"a"}, nil, 7, nil)
}

// apply is generic: its frame prints as main.apply[...](...)
//
//go:noinline
func apply[T any](v T, f func(T)) { f(v) }

//go:noinline
func callDeep(x int) {
	var d deep
	d.L1.L2.L3.L4.L5.V = x
	apply(d, func(d deep) { deepArg(d, x) })
}

func inlinedHelper(x int) { // small: inlined into deadArg -> printed "main.inlinedHelper(...)"
	if x > 0 {
		callDeep(x)
	}
}

//go:noinline
func deadArg(x, y int) int { // x is dead after its first use -> printed as "0x1?"
	z := x * 3
	inlinedHelper(z)
	return y
}

func init() {
	register("frame_decorations", "inlined (...), aggregate {...}, elided ..., inaccurate 0x1? args, generic [...]", func() {
		fmt.Println(deadArg(1, 2))
	})
}

// ---------------------------------------------------------------------------
// net/http: a handler panics; the server logs "http: panic serving ..." and lives on.

func init() {
	register("http_panic", "http: panic serving ADDR: VALUE with stack, program exits 0", func() {
		mux := http.NewServeMux()
		mux.HandleFunc("/crash", func(w http.ResponseWriter, r *http.Request) {
			handleRequest(500, r.URL.Path)
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		srv := &http.Server{Handler: mux}
		go srv.Serve(ln)
		resp, err := http.Get("http://" + ln.Addr().String() + "/crash")
		if err != nil {
			fmt.Println("client error:", err)
		} else {
			resp.Body.Close()
		}
		time.Sleep(50 * time.Millisecond)
		srv.Close()
	})
}

func init() {
	register("busy_wait_for_signal", "two goroutines busy in user code on their threads; waits for SIGQUIT", func() {
		// Two spinners on three Ps: the signal's thread can run at most one
		// of them, so the other is running elsewhere when it arrives.
		runtime.GOMAXPROCS(3)
		for i := 0; i < 2; i++ {
			started := make(chan bool)
			go spin(started)
			<-started
		}
		fmt.Println("ready")
		ch := make(chan int)
		<-ch
	})
}

// spin keeps its thread in user code, so a signal finds it running there.
//
//go:noinline
func spin(started chan bool) {
	var n uint64
	close(started)
	for {
		n++
	}
}

func init() {
	register("stack_logged_flat", "a recovered panic logged on one line, debug.Stack()'s line breaks and tabs stripped, as a logger that flattens a field does", func() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					fmt.Fprintf(os.Stderr, "level=error msg=\"recovered: %v\" stack=\"%s\"\n", r, flatten(debug.Stack()))
				}
			}()
			handleRequest(7, "flat")
		}()
		wg.Wait()
		fmt.Fprintln(os.Stderr, "level=info msg=\"request 7 failed; serving on\"")
	})
}

// flatten drops line breaks and tabs, as loggers that keep a record on one line do.
func flatten(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if c != '\n' && c != '\t' {
			out = append(out, c)
		}
	}
	return out
}

// badPointerHolder lives in the heap, so the GC scans the pointer planted in it.
var badPointerHolder = &struct{ p *[1 << 16]byte }{}

func init() {
	register("bad_pointer_in_heap", "unsafe misuse: an address kept as a uintptr across GCs, written back into a pointer after its memory was freed; the next GC finds it", func() {
		badPointerHolder.p = new([1 << 16]byte) // in the heap, a span of its own
		addr := uintptr(unsafe.Pointer(badPointerHolder.p))
		badPointerHolder.p = nil
		runtime.GC()
		runtime.GC() // the span is freed
		*(*uintptr)(unsafe.Pointer(&badPointerHolder.p)) = addr
		runtime.GC()
		fmt.Println("the GC did not notice")
	})
}
