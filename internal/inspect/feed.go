package inspect

import (
	"bytes"
	"context"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// How new lines reach a Store: listen's record writer taps each batch it
// writes, and Run takes them in (a ring) or looks at the grown file.

// Tap is a record.Options.Tap: it hands a written batch to the store
// without waiting. A file store only notes that the file grew; a ring
// copies the batch (into its arena) for Run to read, and counts it lost
// when its queue is full rather than hold up the listener.
func (s *Store) Tap(batch []byte) {
	if s.f != nil {
		select {
		case s.notify <- struct{}{}:
		default:
		}
		return
	}
	// Tap is the record writer's alone, and Run the only reader: a queue
	// with room now has room for the send below. A batch that would be
	// lost is not copied, so it holds no chunk.
	if s.queued.Add(int64(len(batch))) <= maxQueued && len(s.queue) < cap(s.queue) {
		b, c := s.arena.copyIn(batch)
		select {
		case s.queue <- chunked{b, c}:
			return
		default:
			s.arena.release(c)
		}
	}
	s.queued.Add(-int64(len(batch)))
	s.mu.Lock()
	s.lost += int64(bytes.Count(batch, []byte{'\n'}))
	s.mu.Unlock()
}

// maxQueued bounds the bytes of batches a ring's Tap queues for Run: a
// flood the page cannot keep up with is counted as lost, not held.
const maxQueued = 16 << 20

// refreshRate is how many times a second, at most, Run looks at a growing
// record file.
const refreshRate = 20

// Run reads what Tap queued (a ring) or follows the file (a record file,
// at each Tap and every interval), until ctx is done.
//
// A record file is followed only while a page streams its rows. With none
// open, Run notes that the file grew and reads nothing: the next request
// of the page (catchUp) indexes what came meanwhile. So an inspector that
// nobody has open costs a listener under load nothing but the Tap.
func (s *Store) Run(ctx context.Context, tick <-chan time.Time) {
	if s.f != nil {
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.notify:
			case <-tick:
			}
			// Noted before the look at the streams: a stream that opens
			// in between catches up itself (Subscribe).
			s.behind.Store(true)
			if !s.hub.active() {
				continue
			}
			s.catchUp()
			// At most refreshRate looks a second: under load the batches
			// written meanwhile are taken in one.
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second / refreshRate):
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-s.queue:
			s.feed(t.b, t.c)
			s.arena.release(t.c) // the batch's own hold
			s.queued.Add(-int64(len(t.b)))
		}
	}
}

// Feed adds the record lines in b to a ring.
//
// The lines are split in place, not through record.Reader, which copies
// each: this runs for every delivery of a busy listener.
func (s *Store) Feed(b []byte) { s.feed(b, nil) }

// feed is Feed of b, which is in the arena chunk c (nil: b is the
// caller's, and each line is copied).
func (s *Store) feed(b []byte, c *arenaChunk) {
	s.mu.Lock()
	from, start := s.lines.len(), s.base+s.lines.len()
	var read []readLine
	kept := 0 // lines held in c
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		raw := bytes.TrimSpace(b[:i])
		b = b[min(i+1, len(b)):]
		if i+1 > record.MaxLineSize {
			s.tooLong++ // as a file's index passes it over
			continue
		}
		if len(raw) == 0 {
			continue
		}
		// A delivery's summary is read when it is listed or streamed;
		// callbacks and exec runs at once, to link them. A line is kept
		// where Tap copied it, holding its chunk; one fed by a caller is
		// copied on its own, not held in the caller's batch.
		e := slot{n: uint32(len(raw))}
		if v, ok := seqPrefix(raw); ok && !linked(raw) {
			e.seq = v
		} else if l, err := parseLine(raw, s.events); err == nil {
			e.seq, e.flags = l.Seq, slotRead|slotOK|kindFlags(l.Kind)
			read = append(read, readLine{s.lines.len(), &l})
		} else {
			s.skipped++
			continue
		}
		s.lines.push(e)
		if c == nil {
			raw = bytes.Clone(raw)
		} else {
			raw = raw[:len(raw):len(raw)]
			kept++
		}
		s.raws = append(s.raws, chunked{raw, c})
		s.bytes += len(raw)
	}
	if kept > 0 {
		s.arena.hold(c, kept) // before any of them can be dropped, below
	}
	s.take(scan{from: from, read: read})
	for s.lines.len() > 0 && (s.lines.len() > s.maxLines || s.bytes > s.maxBytes || s.arena.held() > s.maxChunkBytes()) {
		s.dropFirst()
	}
	out := s.announce(start, s.base+s.lines.len())
	s.mu.Unlock()
	s.hub.publish(out)
}

// maxChunkBytes bounds the arena chunks a ring's lines keep: its byte
// bound, and never below one chunk, as the chunk Tap copies into is there
// whatever the ring holds (dropping lines could not give it back).
func (s *Store) maxChunkBytes() int64 { return int64(max(s.maxBytes, arenaChunkSize)) }

// catchUp indexes the lines Run left for later, when it left any: every
// answer the page is given starts here.
// A look that fails leaves the lines for the next one.
func (s *Store) catchUp() {
	if s.f != nil && s.behind.Swap(false) {
		if err := s.Refresh(); err != nil {
			s.behind.Store(true)
		}
	}
}

// Subscribe opens a stream of the rows that match f, from the lines
// appended after those already indexed: the lines Run left for later are
// indexed once the stream is open, so they reach it. (The page lists
// before it streams, so these are few; a stream they would fill is
// closed, and the page reloads.)
func (s *Store) Subscribe(f Filter) *Subscription {
	sub := s.hub.Subscribe(f)
	s.catchUp()
	return sub
}
