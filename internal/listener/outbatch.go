package listener

import (
	"io"
	"runtime"
	"sync"
)

// outBatcher writes pretty output the way record.Writer writes records: a
// handler adds its block and waits until a write carrying it has been made,
// so a delivery is shown before it is answered, but under load many blocks
// share one write(2) instead of taking turns on a lock for one each.
//
// The flushing goroutine runs only while there is output: it starts with the
// first block and ends when it finds nothing queued, so an idle listener (or
// a test that never calls Serve) leaves nothing running.
//
// Over an *OutQueue (Run's stdout) it only passes the block on: the queue
// copies it, gathers blocks into large writes itself and never blocks, so
// a delivery is queued for the screen, not written, before its answer.
type outBatcher struct {
	w      io.Writer
	direct bool // w is an *OutQueue

	mu      sync.Mutex
	pending []byte
	cur     chan struct{} // closed when the write carrying pending is done
	running bool
}

// newOutBatcher returns the batcher of pretty output to w.
func newOutBatcher(w io.Writer) *outBatcher {
	_, direct := w.(*OutQueue)
	return &outBatcher{w: w, direct: direct}
}

// maxSpareOut is the largest flushed buffer kept for the next batch.
const maxSpareOut = 4 << 20

// write queues p and returns once it has been written. A failed write is
// not reported: output is for people, the record is what counts.
func (o *outBatcher) write(p []byte) {
	if o.direct {
		o.w.Write(p)
		return
	}
	o.mu.Lock()
	o.pending = append(o.pending, p...)
	done := o.cur
	if done == nil {
		done = make(chan struct{})
		o.cur = done
	}
	if !o.running {
		o.running = true
		go o.flush()
	}
	o.mu.Unlock()
	<-done
}

func (o *outBatcher) flush() {
	var spare []byte
	for {
		// As in record.Writer: let the handlers that can run now add
		// their blocks to this batch.
		runtime.Gosched()
		o.mu.Lock()
		if o.cur == nil {
			o.running = false
			o.mu.Unlock()
			return
		}
		buf, done := o.pending, o.cur
		o.pending, o.cur = spare[:0], nil
		o.mu.Unlock()
		_, _ = o.w.Write(buf)
		close(done)
		spare = buf
		if cap(spare) > maxSpareOut {
			spare = nil
		}
	}
}
