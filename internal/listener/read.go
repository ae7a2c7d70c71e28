package listener

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// bodyPool recycles request-body buffers: the body is read once into a
// pooled buffer, verified, validated and escaped into the record line from
// there, and the buffer goes back when the answer is written.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, maxPooledBody); return &b }}

// maxPooledBody is the largest buffer kept for reuse: what the
// bytes-in-flight budget gives each body free. The next body may be any
// body, and a larger buffer would charge it, however small, or however
// little its client has sent, the buffer's whole capacity. A typical
// delivery fits; a larger body grows its own buffer as its bytes arrive.
const maxPooledBody = freeBodyBytes

// putBody returns a body buffer to the pool.
func putBody(bp *[]byte) {
	if bp != nil && cap(*bp) <= maxPooledBody {
		*bp = (*bp)[:0]
		bodyPool.Put(bp)
	}
}

// read is the read stage: it reads at most MaxBody bytes into the buffer
// admit took (d.buf), and sets d.body. The buffer grows as bytes arrive,
// each growth taken from the bytes-in-flight budget: a client that
// announces a large body and stalls holds only what it sent, and beyond the
// budget the request is refused (503, Retry-After). On a refusal the buffer
// and its bytes are given back at once; otherwise release gives them back
// once the request is answered.
func (l *Listener) read(w http.ResponseWriter, r *http.Request, d *inflight) *refusal {
	limit := l.cfg.MaxBody
	rd := r.Body
	if r.ContentLength < 0 {
		// Chunked: only MaxBytesReader knows where to stop. With a
		// Content-Length, net/http already stops the body there.
		rd = http.MaxBytesReader(w, r.Body, limit)
	}
	bp := d.buf
	b := (*bp)[:0]
	fail := func(f *refusal) *refusal {
		*bp = b
		l.bodies.give(charge(cap(b)))
		putBody(bp)
		d.buf = nil
		return f
	}
	for {
		if len(b) == cap(b) {
			// Double, to no more than the announced length (+1 so the
			// read that sees EOF needs no growth) or --max-body + 1.
			want := min(max(2*cap(b), 4<<10), int(limit)+1)
			if r.ContentLength >= 0 {
				want = min(want, int(r.ContentLength)+1)
			}
			want = max(want, len(b)+1)
			if !l.bodies.take(charge(want) - charge(cap(b))) {
				return fail(l.overloaded())
			}
			nb := make([]byte, len(b), want)
			copy(nb, b)
			b = nb
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return fail(&refusal{status: http.StatusRequestEntityTooLarge, reason: fmt.Sprintf("body is larger than --max-body (%d bytes)", limit)})
			}
			if l.cutting.Load() {
				// The drain limit was reached and Serve closed this
				// connection: the request is recorded like any other,
				// as refused for the shutdown.
				l.n.cutOff.Add(1)
				why := fmt.Sprintf("after waiting %s for it", l.cfg.ShutdownTimeout)
				if l.quit().Err() != nil {
					why = "at the second Ctrl-C"
				}
				return fail(&refusal{status: http.StatusServiceUnavailable, reason: fmt.Sprintf("listen shut down before the whole body arrived (%d bytes read): the connection was closed %s", len(b), why)})
			}
			return fail(&refusal{status: http.StatusBadRequest, reason: fmt.Sprintf("could not read the whole body (%d bytes read): %v", len(b), err)})
		}
	}
	*bp = b
	d.body = b
	d.rec.SetBodyRef(b)
	return nil
}
