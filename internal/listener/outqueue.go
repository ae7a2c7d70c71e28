package listener

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Limits of the output queue.
const (
	// DefaultOutQueueBytes is how much output waits for a slow stdout
	// before lines are dropped: over a thousand 7 KB record lines, a few
	// seconds of what a terminal can show. Any more would only be memory
	// spent on output nobody is reading.
	DefaultOutQueueBytes = 8 << 20

	// outNoticeEvery is how often the running count of dropped lines is
	// repeated on stderr while stdout stays behind: often enough to be
	// seen, rarely enough not to flood the terminal itself.
	outNoticeEvery = 5 * time.Second

	// Under load (more output arrived while a write was under way) the
	// writer gathers up to DefaultOutBatchBytes, waiting at most
	// DefaultOutLinger, before its next write: written as it comes, stdout
	// cost a write(2) and a wake-up per few deliveries, and small writes to
	// a file cost the kernel twice as much per byte as large ones (7 KB
	// lines: 0.5 ns a byte written 8 KB at a time, 0.2 at 256 KB). An idle
	// listener's line is written at once.
	DefaultOutBatchBytes = 256 << 10
	DefaultOutLinger     = 5 * time.Millisecond
)

// OutQueue is listen's standard output: Write copies what it is given into
// a bounded buffer and returns at once, and one goroutine writes the
// buffer out. So output never holds up a delivery: a reader that stops
// reading (a stalled pipe, a paused terminal) costs at most MaxBytes, and
// beyond that whole writes are dropped and their lines counted, with a
// notice on stderr; the record is the source of truth. A stdout that fails
// (closed: `| head -n 2`) is given up on, said once, and everything after
// it is dropped the same way.
type OutQueue struct {
	w      io.Writer
	diag   *render.Diag
	max    int
	batch  int
	linger time.Duration
	now    func() time.Time

	mu         sync.Mutex
	buf        []byte
	stopping   bool
	broken     bool // a write failed: stdout is given up on
	dropped    int64
	inflight   int64 // lines of the write under way
	lastNotice time.Time

	wake   chan struct{}
	full   chan struct{} // a batch is queued, or Close: stop gathering
	done   chan struct{}
	notice chan struct{} // one slot, taken while a notice is being written
}

// OutQueueOptions adjust an OutQueue.
type OutQueueOptions struct {
	MaxBytes   int              // 0: DefaultOutQueueBytes
	BatchBytes int              // 0: DefaultOutBatchBytes
	Linger     time.Duration    // 0: DefaultOutLinger
	Now        func() time.Time // for the notices' pace; nil: time.Now
}

// NewOutQueue starts an OutQueue over w; notices go to diag. Close stops it.
func NewOutQueue(w io.Writer, diag *render.Diag, opts OutQueueOptions) *OutQueue {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultOutQueueBytes
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = DefaultOutBatchBytes
	}
	if opts.Linger <= 0 {
		opts.Linger = DefaultOutLinger
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	q := &OutQueue{w: w, diag: diag, max: opts.MaxBytes, batch: opts.BatchBytes, linger: opts.Linger, now: opts.Now,
		wake: make(chan struct{}, 1), full: make(chan struct{}, 1), done: make(chan struct{}),
		notice: make(chan struct{}, 1)}
	go q.loop()
	return q
}

// Write queues p, or drops it when the queue is full or stdout is gone. It
// never blocks on stdout, nor on stderr, and never fails. A p larger than
// the whole queue (a batch of large record lines) is taken when nothing
// else waits.
func (q *OutQueue) Write(p []byte) (int, error) {
	var notice string
	q.mu.Lock()
	switch {
	case q.broken || q.stopping:
		q.dropped += lines(p)
	case len(q.buf)+len(p) > q.max && len(q.buf) > 0:
		q.dropped += lines(p)
		notice = q.noticeLocked()
	default:
		q.buf = append(q.buf, p...)
	}
	full := len(q.buf) >= q.batch
	q.mu.Unlock()
	if notice != "" {
		q.say(notice)
	}
	select {
	case q.wake <- struct{}{}:
	default: // already due
	}
	if full {
		nudge(q.full)
	}
	return len(p), nil
}

// WriteLast queues p, the last line of the output (the --expect verdict),
// even when the queue is full: it is one short line, and the one a script
// reads. Close still gives up on it with the rest when stdout stalls.
func (q *OutQueue) WriteLast(p []byte) {
	q.mu.Lock()
	if q.broken || q.stopping {
		q.dropped += lines(p)
	} else {
		q.buf = append(q.buf, p...)
	}
	q.mu.Unlock()
	nudge(q.wake)
	nudge(q.full)
}

// nudge sends on a one-slot channel without waiting.
func nudge(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// noticeLocked is what to say on stderr, if anything, when lines are
// dropped: at the first drop, then every outNoticeEvery. q.mu held.
func (q *OutQueue) noticeLocked() string {
	now := q.now()
	if !q.lastNotice.IsZero() && now.Sub(q.lastNotice) < outNoticeEvery {
		return ""
	}
	first := q.lastNotice.IsZero()
	q.lastNotice = now
	if first {
		return "standard output is not keeping up; dropping output lines (every delivery is still answered, and recorded with --record)"
	}
	return fmt.Sprintf("%d output lines dropped so far; standard output is still not keeping up", q.dropped)
}

// say writes a notice on a goroutine of its own: stderr may be the same
// paused terminal as stdout, and the delivery that dropped a line must not
// wait for it. One notice is written at a time; one due while the last is
// still being written is skipped (the next gives the count).
func (q *OutQueue) say(msg string) {
	select {
	case q.notice <- struct{}{}:
	default:
		return
	}
	go func() {
		q.diag.Warnf("%s", msg)
		<-q.notice
	}()
}

func (q *OutQueue) loop() {
	defer close(q.done)
	var spare []byte
	for range q.wake {
		for {
			q.mu.Lock()
			b, stopping := q.buf, q.stopping
			q.buf = spare[:0]
			q.inflight = lines(b)
			q.mu.Unlock()
			if len(b) > 0 {
				q.write(b)
			}
			spare = b
			if cap(spare) > q.max {
				spare = nil
			}
			q.mu.Lock()
			queued, stopping := len(q.buf), stopping || q.stopping
			q.mu.Unlock()
			if queued == 0 {
				if stopping {
					return
				}
				break // idle: the next line is written as soon as it comes
			}
			if !stopping && queued < q.batch {
				q.gather()
			}
		}
	}
}

// gather waits until a batch is queued, Close is called, or the linger
// has passed.
func (q *OutQueue) gather() {
	t := time.NewTimer(q.linger)
	defer t.Stop()
	select {
	case <-q.full:
	case <-t.C:
	}
}

// write writes b to stdout, and gives stdout up when it fails.
func (q *OutQueue) write(b []byte) {
	n, err := q.w.Write(b)
	q.mu.Lock()
	q.inflight = 0
	q.mu.Unlock()
	if err == nil {
		return
	}
	q.mu.Lock()
	q.dropped += lines(b[min(max(n, 0), len(b)):])
	first := !q.broken
	q.broken = true
	q.mu.Unlock()
	if first {
		q.diag.Warnf("cannot write to standard output (%v); deliveries are still answered, and recorded with --record, but no longer shown", err)
	}
}

// Close writes out what is queued, waiting at most limit for stdout to
// take it, and returns how many lines were dropped in all (those still
// queued at the limit included). A stdout that stays stalled cannot hold
// up the exit: its writer goroutine is left behind.
func (q *OutQueue) Close(limit time.Duration) int64 {
	q.mu.Lock()
	q.stopping = true
	q.mu.Unlock()
	nudge(q.wake)
	nudge(q.full)
	t := time.NewTimer(max(limit, 0))
	defer t.Stop()
	select {
	case <-q.done:
		select { // and a notice still being written
		case q.notice <- struct{}{}:
		case <-t.C:
		}
	case <-t.C:
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.dropped + q.inflight + lines(q.buf)
	q.buf = nil
	return n
}

// Dropped is how many lines have been dropped so far.
func (q *OutQueue) Dropped() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// lines counts the lines in p: its newlines, and a last line without one.
func lines(p []byte) int64 {
	n := int64(bytes.Count(p, []byte{'\n'}))
	if len(p) > 0 && p[len(p)-1] != '\n' {
		n++
	}
	return n
}
