package listener_test

import (
	"fmt"
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
	t.Parallel()
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
	if n := q.Close(10 * time.Millisecond); n != 100 {
		t.Errorf("Close: %d lines not shown, want all 100 (the writer never returned)", n)
	}
	close(sw.release)
	// The notice is written on a goroutine of its own.
	waitFor(t, "the notice", func() bool { return strings.Contains(errb.String(), "not keeping up") })
	if n := strings.Count(errb.String(), "not keeping up"); n != 1 {
		t.Errorf("%d notices, want 1:\n%s", n, errb.String())
	}
}

// stdout and stderr the same paused terminal (or `listen 2>&1 | less`,
// paused): the write that drops the first line must not wait for stderr to
// take the notice, or every delivery would wait behind it. The notice
// comes once stderr moves again.
func TestOutQueueStalledStderrHoldsUpNothing(t *testing.T) {
	t.Parallel()
	sw := &stalledWriter{release: make(chan struct{})}
	q := listener.NewOutQueue(sw, render.NewDiag(sw), listener.OutQueueOptions{MaxBytes: 1000})
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		line := []byte(strings.Repeat("x", 99) + "\n")
		for range 100 {
			q.Write(line)
		}
	}()
	select {
	case <-wrote:
	case <-time.After(30 * time.Second):
		close(sw.release)
		t.Fatal("Write waited for the stalled stderr")
	}
	close(sw.release)
	q.Close(time.Minute)
}

// A single write larger than the whole queue (the record writer's batch of
// large lines, mirrored in one Write) is taken when nothing else waits,
// not dropped with a notice that stdout is not keeping up.
func TestOutQueueTakesAWriteLargerThanTheQueue(t *testing.T) {
	t.Parallel()
	var out, errb syncBuffer
	q := listener.NewOutQueue(&out, render.NewDiag(&errb), listener.OutQueueOptions{MaxBytes: 1000})
	batch := strings.Repeat(strings.Repeat("y", 99)+"\n", 15)
	q.Write([]byte(batch))
	if n := q.Close(time.Minute); n != 0 {
		t.Errorf("%d lines dropped, want none", n)
	}
	if out.String() != batch {
		t.Errorf("stdout got %d bytes, want the %d written", len(out.String()), len(batch))
	}
	if errb.String() != "" {
		t.Errorf("stderr: %q", errb.String())
	}
}

// Once stdout fails (closed by `| head`), it is given up on: said once,
// and every later line dropped and counted without another write.
func TestOutQueueClosedStdout(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// recordingWriter keeps the size of every Write; the first one says it
// has started and waits for first to be closed.
type recordingWriter struct {
	started chan struct{}
	first   chan struct{}
	mu      sync.Mutex
	sizes   []int
	wrote   chan struct{}
}

func newRecordingWriter() *recordingWriter {
	return &recordingWriter{started: make(chan struct{}), first: make(chan struct{}), wrote: make(chan struct{}, 100)}
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	n := len(r.sizes)
	r.sizes = append(r.sizes, len(p))
	r.mu.Unlock()
	if n == 0 {
		close(r.started)
		<-r.first
	}
	r.wrote <- struct{}{}
	return len(p), nil
}

// Under load, what arrives while a write is under way is gathered into one
// write of BatchBytes rather than written a line at a time; a line that
// finds the writer idle is written as soon as it comes.
func TestOutQueueGathersUnderLoad(t *testing.T) {
	t.Parallel()
	rw := newRecordingWriter()
	var errb syncBuffer
	q := listener.NewOutQueue(rw, render.NewDiag(&errb), listener.OutQueueOptions{BatchBytes: 1000, Linger: time.Hour})
	line := []byte(strings.Repeat("x", 99) + "\n")
	q.Write(line) // written at once: the writer was idle
	<-rw.started
	q.Write(line) // arrives while the first write is under way
	close(rw.first)
	<-rw.wrote
	for range 9 { // nine more, one at a time: the batch fills at the tenth line
		q.Write(line)
	}
	<-rw.wrote
	if n := q.Close(time.Minute); n != 0 {
		t.Errorf("%d lines dropped", n)
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if want := []int{100, 1000}; fmt.Sprint(rw.sizes) != fmt.Sprint(want) {
		t.Errorf("writes of %v bytes, want %v", rw.sizes, want)
	}
}

// Close does not wait out the linger: what is being gathered is written at
// once.
func TestOutQueueCloseEndsGathering(t *testing.T) {
	t.Parallel()
	rw := newRecordingWriter()
	var errb syncBuffer
	q := listener.NewOutQueue(rw, render.NewDiag(&errb), listener.OutQueueOptions{BatchBytes: 1 << 20, Linger: time.Hour})
	line := []byte("a line\n")
	q.Write(line)
	<-rw.started
	q.Write(line) // gathered after the first write: the batch never fills
	close(rw.first)
	<-rw.wrote
	done := make(chan int64)
	go func() { done <- q.Close(time.Hour) }()
	select {
	case n := <-done:
		if n != 0 {
			t.Errorf("%d lines dropped", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the linger")
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.sizes) != 2 || rw.sizes[1] != len(line) {
		t.Errorf("writes of %v bytes, want the gathered line written at Close", rw.sizes)
	}
}

// The last line (the --expect verdict) is kept when the queue is full, and
// written once stdout moves again.
func TestOutQueueWriteLastWhenFull(t *testing.T) {
	t.Parallel()
	sw := &stalledWriter{release: make(chan struct{})}
	q := listener.NewOutQueue(sw, render.NewDiag(nil), listener.OutQueueOptions{MaxBytes: 1000})
	line := strings.Repeat("x", 99) + "\n"
	for range 30 { // the writer holds one write; the queue fills behind it
		q.Write([]byte(line))
	}
	dropped := q.Dropped()
	q.WriteLast([]byte(`{"kind":"verdict"}` + "\n"))
	close(sw.release)
	if n := q.Close(time.Minute); n != dropped {
		t.Errorf("%d lines dropped in all, want the %d dropped before the verdict", n, dropped)
	}
}
