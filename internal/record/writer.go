package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"

	"github.com/webhook-tool/webhook-tool/internal/record/recline"
)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("record writer is closed")

// ErrSeqExhausted is returned by Append once seq has reached its largest
// value: numbering on would wrap to negative seqs.
var ErrSeqExhausted = errors.New("record seq has reached 9223372036854775807; start a new record file")

// Writer appends records to an io.Writer from many goroutines at once.
//
// Handlers marshal their record in parallel (Marshal); Append then holds a
// lock only long enough to number the line and queue it, and waits. One
// goroutine copies the queued lines into one buffer, writes it with a single
// Write and releases every handler whose line it held (group commit), so
// under load many deliveries share one write(2), and each Append returns
// only when its line has been handed to the operating system: a delivery is
// never answered before it is recorded. No fsync: surviving a process crash
// is the goal, not a power cut.
type Writer struct {
	dst    io.Writer
	mirror io.Writer
	onErr  func(error)
	tap    func([]byte)

	mu      sync.Mutex
	seq     int64 // the last seq handed out
	first   int64 // seq before the first Append (Count is seq - first)
	pending []pendingLine
	hidden  bool // a pending line is hidden from the Mirror
	batch   *batch
	closed  bool

	wake    chan struct{}
	stopped chan struct{}
}

type pendingLine struct {
	seq    int64
	line   []byte
	hidden bool // not for the Mirror (AppendHidden)
}

type batch struct {
	done chan struct{}
	err  error
}

// Options adjust a Writer.
type Options struct {
	// Mirror, when set, gets a copy of every batch written to the
	// destination (listen's --output json on stdout), right after the
	// batch's Appends have been released: showing a delivery does not hold
	// up its answer, recording it does. A failure there does not fail the
	// deliveries: it is passed to OnMirrorError once.
	Mirror        io.Writer
	OnMirrorError func(error)
	// Tap, when set, is called with every batch written, on the writer's
	// goroutine, after the batch's Appends have been released and before
	// the mirror. It must not block and must not keep batch (listen --ui
	// copies it to the inspector's queue).
	Tap func(batch []byte)
}

// seqContinuer is a destination that already holds numbered records (a
// File opened on an existing record): the Writer numbers on after them.
type seqContinuer interface {
	LastSeq() int64
}

// NewWriter starts a Writer over dst. Close stops it. Records are numbered
// from 1, or, when dst is a File that already held records, from the seq
// after its last one.
func NewWriter(dst io.Writer, opts Options) *Writer {
	w := &Writer{
		dst:     dst,
		mirror:  opts.Mirror,
		onErr:   opts.OnMirrorError,
		tap:     opts.Tap,
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
	}
	if c, ok := dst.(seqContinuer); ok {
		w.seq = max(c.LastSeq(), 0)
		w.first = w.seq
	}
	go w.loop()
	return w
}

// seqPrefix is how every line Marshal produces starts; Append replaces the
// 0 with the record's number.
var seqPrefix = []byte(recline.Start)

type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	// Bodies are shown to people: keep <, > and & as they are.
	e.enc.SetEscapeHTML(false)
	return e
}}

// Marshal appends rec as one JSON line (with a trailing newline) to dst, its
// seq left 0 for Append to fill in. It is safe to call concurrently.
//
// The line is what encoding/json (HTML escaping off) makes of rec, written by
// hand by recline: at thousands of deliveries a second, reflection and
// escaping the body through encoding/json were a fifth of the listener's CPU.
func Marshal(dst []byte, rec *Record) ([]byte, error) {
	n := len(dst)
	line := rec.Line()
	if out, ok := recline.Append(dst, &line); ok {
		return out, nil
	}
	// A value encoding/json refuses: let it say why.
	return marshalStd(dst[:n], rec)
}

// marshalStd is Marshal through encoding/json.
func marshalStd(dst []byte, rec *Record) ([]byte, error) {
	e := encoders.Get().(*encoder)
	defer encoders.Put(e)
	e.buf.Reset()
	r := *rec
	r.Seq = 0
	if r.bodyRef != nil {
		r.Body, r.bodyRef = string(r.bodyRef), nil
	}
	if err := e.enc.Encode(&r); err != nil {
		return dst, err
	}
	dst = append(dst, e.buf.Bytes()...)
	if e.buf.Cap() > 1<<20 {
		e.buf = bytes.Buffer{} // don't pin a huge body's buffer in the pool
	}
	return dst, nil
}

// Append numbers a line made by Marshal, queues it, and waits until it is
// written. It returns the line's seq, and the write error, if any, of the
// batch that carried it. The caller may reuse line once Append returns.
func (w *Writer) Append(line []byte) (int64, error) { return w.append(line, false) }

// AppendHidden is Append for a line the Mirror does not show: it is
// recorded (and given to the Tap) like any other. listen --events records
// the deliveries outside its list without printing them.
func (w *Writer) AppendHidden(line []byte) (int64, error) { return w.append(line, true) }

func (w *Writer) append(line []byte, hidden bool) (int64, error) {
	if !bytes.HasPrefix(line, seqPrefix) {
		return 0, errors.New("record: line not made by Marshal")
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return 0, ErrClosed
	}
	if w.seq == math.MaxInt64 {
		w.mu.Unlock()
		return 0, ErrSeqExhausted
	}
	w.seq++
	seq := w.seq
	w.pending = append(w.pending, pendingLine{seq, line, hidden})
	w.hidden = w.hidden || hidden
	b := w.batch
	if b == nil {
		b = &batch{done: make(chan struct{})}
		w.batch = b
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default: // the writer is already due to wake
	}
	<-b.done
	return seq, b.err
}

// Write marshals rec, appends it, and sets rec.Seq.
func (w *Writer) Write(rec *Record) error {
	line, err := Marshal(nil, rec)
	if err != nil {
		return err
	}
	seq, err := w.Append(line)
	rec.Seq = seq
	return err
}

// Count returns how many lines this Writer has numbered so far.
func (w *Writer) Count() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seq - w.first
}

func (w *Writer) loop() {
	defer close(w.stopped)
	var buf, mbuf []byte // the batch; what the Mirror shows of it, when a line is hidden
	var spare []pendingLine
	mirrorFailed := false
	for range w.wake {
		// Let the handlers that can run now queue their lines first, so
		// one write carries many (on 2 cores under load, taking the first
		// line alone gave 1.1 lines a write). With nothing else runnable
		// this returns at once.
		runtime.Gosched()
		w.mu.Lock()
		lines, b, closing, hidden := w.pending, w.batch, w.closed, w.hidden
		w.pending, w.batch, w.hidden = spare[:0], nil, false
		w.mu.Unlock()
		if b != nil {
			buf = appendLines(buf[:0], lines, false)
			_, b.err = w.dst.Write(buf)
			// The lines are recorded: release their handlers now, and
			// show the batch while they write their answers.
			close(b.done)
			if b.err == nil && w.tap != nil {
				w.tap(buf)
			}
			if b.err == nil && w.mirror != nil && !mirrorFailed {
				shown := buf
				if hidden {
					mbuf = appendLines(mbuf[:0], lines, true)
					shown = mbuf
				}
				if _, err := w.mirror.Write(shown); err != nil {
					mirrorFailed = true
					if w.onErr != nil {
						w.onErr(err)
					}
				}
			}
		}
		clear(lines) // drop the references to the handlers' lines
		spare = lines
		if cap(buf) > 8<<20 {
			buf = nil
		}
		if cap(mbuf) > 8<<20 {
			mbuf = nil
		}
		if closing {
			return
		}
	}
}

// appendLines appends the numbered lines to buf, less the hidden ones
// when shownOnly is set.
func appendLines(buf []byte, lines []pendingLine, shownOnly bool) []byte {
	for _, p := range lines {
		if shownOnly && p.hidden {
			continue
		}
		buf = append(buf, `{"seq":`...)
		buf = strconv.AppendInt(buf, p.seq, 10)
		buf = append(buf, p.line[len(seqPrefix):]...)
		if buf[len(buf)-1] != '\n' {
			buf = append(buf, '\n')
		}
	}
	return buf
}

// Close writes what is pending and stops the writer. Appends after Close
// fail with ErrClosed. Close does not close the destination.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.stopped
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	// The loop may be mid-batch with wake full; a blocking send would then
	// wait for it to drain the channel, which it does: it only exits after
	// seeing closed, and closed is set before this send.
	w.wake <- struct{}{}
	<-w.stopped
	return nil
}
