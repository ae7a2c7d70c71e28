package inspect

import (
	"sync"
	"sync/atomic"
)

// The memory a ring's lines live in. Tap copies each batch the record
// writer hands it into a chunk, the ring keeps its lines as slices of the
// chunk, and a chunk is used again once the ring has let go of every line
// in it. Copying each batch into fresh memory, as the ring did, cost a
// busy listen with the page on and no --record a fifth of its CPU: the
// collector ran often, and under listen's memory limit the runtime gave
// the freed pages back to the system and faulted them in again.
//
// Lines are read only under the store's lock, and a chunk is reused only
// after dropFirst, under the same lock, let go of its last line: a slice
// handed out by rawAt is never overwritten while it is being read.

// arenaChunkSize is the size of a chunk: about 140 record lines of a 6 KB
// delivery. A batch over a quarter of it that does not fit in the current
// chunk gets a chunk of its own size, not reused.
const arenaChunkSize = 1 << 20

// spareChunks is how many emptied chunks are kept for reuse; the ring's
// own bound (maxBytes, which counts the chunks in use) bounds the rest.
const spareChunks = 2

// arenaChunk is a piece of arena memory and how many holders it has: a
// batch queued for Run, or a line of the ring.
type arenaChunk struct {
	buf  []byte
	used int
	refs int
}

// chunked is bytes and the arena chunk they are in (nil: memory of their
// own): a batch Tap queued, or a line a ring holds.
type chunked struct {
	b []byte
	c *arenaChunk
}

// arena hands out chunk space to Tap and takes emptied chunks back. Its
// lock is its own, held for a copy at most: Tap must not wait for the
// page's requests.
//
// The room a chunk has left when a batch does not fit in it is held with
// the chunk's lines, so the ring bounds the bytes of the chunks in use
// (held), not only its lines' bytes.
type arena struct {
	mu    sync.Mutex
	cur   *arenaChunk
	spare []*arenaChunk
	bytes atomic.Int64 // of the chunks in use: neither spare nor let go
}

// held is how many bytes the chunks in use hold.
func (a *arena) held() int64 { return a.bytes.Load() }

// copyIn copies b into chunk space and returns the copy and its chunk,
// which holds one reference for it.
func (a *arena) copyIn(b []byte) ([]byte, *arenaChunk) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.cur
	switch {
	case c != nil && len(c.buf)-c.used >= len(b):
	case len(b) > arenaChunkSize/4:
		// A large batch gets a chunk of its own, and the current one
		// keeps its room for the next small ones: no chunk is held
		// mostly empty by one large line.
		c = &arenaChunk{buf: make([]byte, len(b))}
		a.bytes.Add(int64(len(b)))
	default:
		if c != nil && c.refs == 0 {
			a.recycleLocked(c)
		}
		c = a.newChunkLocked()
		a.cur = c
	}
	out := c.buf[c.used : c.used+len(b) : c.used+len(b)]
	copy(out, b)
	c.used += len(b)
	c.refs++
	return out, c
}

func (a *arena) newChunkLocked() *arenaChunk {
	a.bytes.Add(arenaChunkSize)
	if k := len(a.spare); k > 0 {
		c := a.spare[k-1]
		a.spare = a.spare[:k-1]
		return c
	}
	return &arenaChunk{buf: make([]byte, arenaChunkSize)}
}

// hold adds n holders to c.
func (a *arena) hold(c *arenaChunk, n int) {
	a.mu.Lock()
	c.refs += n
	a.mu.Unlock()
}

// release takes one holder from c, and lets c go once it has none and Tap
// has moved on from it.
func (a *arena) release(c *arenaChunk) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c.refs--; c.refs == 0 && c != a.cur {
		a.recycleLocked(c)
	}
}

// recycleLocked lets c go: kept for reuse, or left to the collector.
func (a *arena) recycleLocked(c *arenaChunk) {
	a.bytes.Add(-int64(len(c.buf)))
	if len(c.buf) != arenaChunkSize || len(a.spare) >= spareChunks {
		return
	}
	c.used = 0
	a.spare = append(a.spare, c)
}
