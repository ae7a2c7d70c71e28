package listener_test

import (
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// stalledWriter blocks every Write until release is closed, as a pipe
// nobody reads does.
type stalledWriter struct {
	release chan struct{}
	mu      sync.Mutex
	got     int
}

func (s *stalledWriter) Write(p []byte) (int, error) {
	<-s.release
	s.mu.Lock()
	s.got += len(p)
	s.mu.Unlock()
	return len(p), nil
}

// A stdout that stops reading never holds up a writer: what does not fit
// the queue is dropped and counted, with one notice, and Close gives up at
// its limit with every line not shown counted.
func TestOutQueueNeverBlocks(t *testing.T) {
	sw := &stalledWriter{release: make(chan struct{})}
	var errb syncBuffer
	q := listener.NewOutQueue(sw, render.NewDiag(&errb), listener.OutQueueOptions{MaxBytes: 1000})
	line := strings.Repeat("x", 99) + "\n"
	for range 100 { // 10 KB into a 1 KB queue, with the writer stuck
		q.Write([]byte(line))
	}
	if q.Dropped() < 80 {
		t.Errorf("%d lines dropped, want at least 80 of 100", q.Dropped())
	}
	if n := strings.Count(errb.String(), "not keeping up"); n != 1 {
		t.Errorf("%d notices, want 1:\n%s", n, errb.String())
	}
	if n := q.Close(10 * time.Millisecond); n != 100 {
		t.Errorf("Close: %d lines not shown, want all 100 (the writer never returned)", n)
	}
	close(sw.release)
}

// Once stdout fails (closed by `| head`), it is given up on: said once,
// and every later line dropped and counted without another write.
func TestOutQueueClosedStdout(t *testing.T) {
	var calls int
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return 0, &pathErr{syscall.EPIPE}
	})
	var errb syncBuffer
	q := listener.NewOutQueue(w, render.NewDiag(&errb), listener.OutQueueOptions{})
	q.Write([]byte("a\nb\n"))
	for range 1000 {
		q.Write([]byte("c\n"))
	}
	if n := q.Close(time.Minute); n != 1002 {
		t.Errorf("%d lines dropped, want 1002", n)
	}
	if n := strings.Count(errb.String(), "cannot write to standard output"); n != 1 {
		t.Errorf("%d notices, want 1:\n%s", n, errb.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if calls > 2 {
		t.Errorf("%d writes to a stdout already known to be closed", calls)
	}
}

// What a working stdout is given arrives whole and in order.
func TestOutQueuePassesThrough(t *testing.T) {
	var out syncBuffer
	q := listener.NewOutQueue(&out, render.NewDiag(&out), listener.OutQueueOptions{})
	var want strings.Builder
	for i := range 1000 {
		l := strings.Repeat(string(rune('a'+i%26)), i%50) + "\n"
		want.WriteString(l)
		q.Write([]byte(l))
	}
	if n := q.Close(time.Minute); n != 0 {
		t.Errorf("%d lines dropped", n)
	}
	if out.String() != want.String() {
		t.Error("output differs from what was written")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

type pathErr struct{ err error }

func (p *pathErr) Error() string { return "write /dev/stdout: " + p.err.Error() }
func (p *pathErr) Unwrap() error { return p.err }
