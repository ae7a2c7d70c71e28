package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Store holds the records the inspector shows, in the order they were
// written: either an index over a record file (OpenFile), which keeps only
// each line's offset and seq and reads a record again when it is opened, or
// a ring of this run's lines in memory (NewMemory), oldest dropped first.
//
// A line's summary is read when it is listed, streamed or linked, and kept
// in a cache of bounded size: a filter over an old part of a large file
// reads those lines again. Memory held per line of a record file is its
// slot in the index, 24 bytes; only callbacks, exec runs and files whose
// seqs do not grow add to the maps that link lines.
type Store struct {
	mu    sync.Mutex
	hub   *Hub
	lines lineIndex
	raws  []chunked // a ring's lines, as lines has them; nil for a file
	base  int       // absolute number of line 0; lines dropped from the ring are gone
	// cache holds the summaries of the newest lines read: the others are
	// read again from their lines when asked for.
	cache *summaries
	// parsed is how far down Warm has read the summaries of the file as
	// opened: those lines from this relative index on have been read.
	parsed int
	gen    int // counts resets: Warm's reads from before one are dropped
	// ready is closed once the lines before the tail OpenFile indexed are
	// indexed too; nil when there were none.
	ready chan struct{}
	// While seqs only grow (as listen writes them), a seq is found by a
	// binary search; bySeq maps seq -> absolute line number once they do
	// not.
	monotonic bool
	bySeq     map[int64]int
	callbacks map[string][]int
	execs     map[int64][]int

	// events reads a delivery's event name (Summary.Event).
	events EventReader

	// A record file.
	path      string
	tailBytes int64 // FileOptions.TailBytes
	f         *os.File
	end       int64 // bytes indexed
	skipped   int   // lines that are not records
	tooLong   int   // lines longer than record.MaxLineSize, passed over
	notify    chan struct{}
	behind    atomic.Bool // the file grew while nobody was looking (Run)
	buf       []byte      // follow's read buffer
	tailBuf   []byte      // wholeLines' read buffer
	scratch   []byte      // read's line

	// A ring.
	maxLines int
	maxBytes int
	bytes    int
	dropped  int64
	queue    chan chunked
	queued   atomic.Int64 // bytes in queue
	arena    arena        // where Tap copies batches
	lost     int64        // lines the ring had no room to queue
}

// Info describes a Store for the page's header (GET /api/info).
type Info struct {
	Source   string `json:"source"` // "file" or "memory"
	File     string `json:"file,omitempty"`
	Records  int    `json:"records"`
	Capacity int    `json:"capacity,omitempty"` // a ring's size
	Dropped  int64  `json:"dropped"`            // old lines the ring let go
	Lost     int64  `json:"lost"`               // lines the ring had no time for (a flood)
	Skipped  int    `json:"skipped"`            // lines of the file that are not records
	// TooLong counts the lines longer than MaxLine bytes (record's
	// reader's limit, which replay and verify refuse): passed over
	// unread, as they would cost the page their size in memory and more.
	TooLong  int  `json:"too_long"`
	MaxLine  int  `json:"max_line_bytes"`
	Indexing bool `json:"indexing,omitempty"` // the start of a large file is still being indexed
}

func newStore() *Store {
	return &Store{
		events:    BundledEvents,
		hub:       NewHub(),
		cache:     newSummaries(DefaultSummaryBytes),
		bySeq:     map[int64]int{},
		monotonic: true,
		callbacks: map[string][]int{},
		execs:     map[int64][]int{},
	}
}

// FileOptions tune how OpenFileWith indexes a record file.
type FileOptions struct {
	// TailBytes is how much of the end of the file is indexed before
	// OpenFileWith returns, so that the newest page is ready at once; the
	// lines before are indexed in the background. 0 means DefaultTailBytes.
	TailBytes int64
	// Events reads a delivery's event name; nil: BundledEvents.
	Events EventReader
	// SummaryBytes is how much memory the summaries read last may hold
	// (0: DefaultSummaryBytes). One not held is read again from its line
	// when the page asks for it: a larger budget makes filters over a
	// large file faster, and costs about 400 bytes a delivery.
	SummaryBytes int
}

// DefaultTailBytes is FileOptions.TailBytes's default.
const DefaultTailBytes = 8 << 20

// OpenFile indexes the record file at path with the default FileOptions.
// Refresh (or Follow) indexes lines appended later. Close closes the file.
func OpenFile(path string) (*Store, error) {
	return OpenFileWith(path, FileOptions{})
}

// OpenFileWith is OpenFile tuned by o.
func OpenFileWith(path string, o FileOptions) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file: the inspector reads a record file written by listen --record", path)
	}
	s := newStore()
	s.path, s.f, s.notify = path, f, make(chan struct{}, 1)
	if o.Events != nil {
		s.events = o.Events
	}
	s.tailBytes = o.TailBytes
	if o.SummaryBytes > 0 {
		s.cache = newSummaries(o.SummaryBytes)
	}
	if s.tailBytes <= 0 {
		s.tailBytes = DefaultTailBytes
	}
	if err := s.open(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// NewMemory is a ring of at most maxLines lines and maxBytes bytes of record
// lines, fed by Feed, whose deliveries' events BundledEvents reads.
func NewMemory(maxLines, maxBytes int) *Store { return NewMemoryWith(maxLines, maxBytes, nil) }

// NewMemoryWith is NewMemory whose deliveries' events events reads (nil:
// BundledEvents).
func NewMemoryWith(maxLines, maxBytes int, events EventReader) *Store {
	s := newStore()
	s.maxLines, s.maxBytes = maxLines, maxBytes
	if events != nil {
		s.events = events
	}
	s.queue = make(chan chunked, 1024)
	return s
}

// Close releases the record file.
func (s *Store) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// Info says what the store holds.
func (s *Store) Info() Info {
	s.catchUp()
	s.mu.Lock()
	defer s.mu.Unlock()
	in := Info{Records: s.lines.len(), Skipped: s.skipped, TooLong: s.tooLong, MaxLine: record.MaxLineSize, Indexing: !s.indexed()}
	if s.f != nil {
		in.Source, in.File = "file", s.path
		return in
	}
	in.Source, in.Capacity, in.Dropped, in.Lost = "memory", s.maxLines, s.dropped, s.lost
	return in
}

// noteSeqs takes note of the seqs of the lines from relative index from
// on, just indexed: while they only grow there is nothing to keep.
func (s *Store) noteSeqs(from int) {
	if s.monotonic {
		for i := max(from, 1); i < s.lines.len(); i++ {
			if s.lines.at(i).seq <= s.lines.at(i-1).seq {
				s.monotonic, from = false, 0
				break
			}
		}
		if s.monotonic {
			return
		}
	}
	for i := from; i < s.lines.len(); i++ {
		s.bySeq[s.lines.at(i).seq] = s.base + i
	}
}

// find is the absolute number of the line numbered seq.
func (s *Store) find(seq int64) (int, bool) {
	if !s.monotonic {
		abs, ok := s.bySeq[seq]
		return abs, ok
	}
	i := s.lines.search(seq)
	if i < s.lines.len() && s.lines.at(i).seq == seq {
		return s.base + i, true
	}
	return 0, false
}

// link files the line at abs, whose summary is l, under the delivery it
// belongs to.
func (s *Store) link(abs int, l *line) {
	switch l.Kind {
	case KindCallback:
		if id := l.CallbackFor; id != "" {
			s.callbacks[id] = append(s.callbacks[id], abs)
		}
	case KindExec:
		s.execs[l.deliverySeq] = append(s.execs[l.deliverySeq], abs)
	}
}

// unlink undoes link.
func (s *Store) unlink(abs int, l *line) {
	switch l.Kind {
	case KindCallback:
		if s.callbacks[l.CallbackFor] = without(s.callbacks[l.CallbackFor], abs); len(s.callbacks[l.CallbackFor]) == 0 {
			delete(s.callbacks, l.CallbackFor)
		}
	case KindExec:
		if s.execs[l.deliverySeq] = without(s.execs[l.deliverySeq], abs); len(s.execs[l.deliverySeq]) == 0 {
			delete(s.execs, l.deliverySeq)
		}
	}
}

// dropFirst lets go of a ring's oldest line.
func (s *Store) dropFirst() {
	e, abs := s.lines.at(0), s.base
	if e.flags&(slotCallback|slotExec) != 0 {
		if l := s.read(0); l != nil {
			s.unlink(abs, l)
		}
	}
	if !s.monotonic && s.bySeq[e.seq] == abs {
		delete(s.bySeq, e.seq)
	}
	s.cache.drop(abs)
	s.bytes -= len(s.raws[0].b)
	s.dropped++
	s.lines.dropFirst()
	if c := s.raws[0].c; c != nil {
		s.arena.release(c)
	}
	s.raws[0] = chunked{}
	s.raws = s.raws[1:]
	s.base++
	if cap(s.raws) > 2*s.maxLines && len(s.raws) < cap(s.raws)/2 {
		s.raws = append(make([]chunked, 0, s.maxLines+1), s.raws...)
	}
}

func without(list []int, v int) []int {
	for i, x := range list {
		if x == v {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// read is the summary of the line at relative index i, nil when it is not
// a record: from the cache, else read from the line. The first read of a
// line counts it or links it.
func (s *Store) read(i int) *line {
	e := s.lines.at(i)
	if e.flags&(slotRead|slotOK) == slotRead {
		return nil
	}
	abs := s.base + i
	if l := s.cache.get(abs); l != nil {
		return l
	}
	first := e.flags&slotRead == 0
	e.flags |= slotRead
	raw, err := s.scratchAt(i)
	if err != nil {
		return nil
	}
	l, err := parseLine(raw, s.events)
	if err != nil {
		if first {
			s.skipped++
		}
		return nil
	}
	if first {
		s.noteRead(abs, e, &l)
	}
	s.cache.put(abs, &l)
	return &l
}

// noteRead keeps what the first read of the line e at abs found: that it
// is a record with summary l, and linked.
func (s *Store) noteRead(abs int, e *slot, l *line) {
	e.flags |= slotRead | slotOK | kindFlags(l.Kind)
	s.link(abs, l)
}

// rawAt is the record line at relative index i.
func (s *Store) rawAt(i int) ([]byte, error) {
	if s.f == nil {
		return s.raws[i].b, nil
	}
	e := s.lines.at(i)
	b := make([]byte, e.n)
	if _, err := s.f.ReadAt(b, e.off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return bytes.TrimSpace(b), nil
}

// scratchAt is rawAt for a line only summarised: read from a file into
// s.scratch, which the next call overwrites. s.mu is held.
func (s *Store) scratchAt(i int) ([]byte, error) {
	if s.f == nil {
		return s.raws[i].b, nil
	}
	e := s.lines.at(i)
	if int(e.n) > maxWarmSpan {
		return s.rawAt(i) // not kept
	}
	s.scratch = slices.Grow(s.scratch[:0], int(e.n))[:e.n]
	if _, err := s.f.ReadAt(s.scratch, e.off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return bytes.TrimSpace(s.scratch), nil
}

// summary is the row of l, the summary of a line, with its links counted.
func (s *Store) summary(l *line) Summary {
	sum := l.Summary
	if sum.Kind == KindDelivery && sum.DeliveryID != "" {
		sum.Callbacks = len(s.callbacks[sum.DeliveryID])
	}
	sum.ExecRuns = len(s.execs[sum.Seq])
	return sum
}

// row is the summary of the line at relative index i if it is a row of
// the list (a record, and no exec run).
func (s *Store) row(i int) *line {
	if s.lines.at(i).flags&slotExec != 0 {
		return nil
	}
	if l := s.read(i); l != nil && l.Kind != KindExec {
		return l
	}
	return nil
}

// announce is the rows to stream for the new lines at absolute numbers
// [from, to): each new row, and the delivery a callback or exec run
// belongs to, whose counts changed.
func (s *Store) announce(from, to int) []Summary {
	if !s.hub.active() {
		return nil // nobody is looking: leave the lines unread
	}
	var out []Summary
	for abs := max(from, s.base); abs < to; abs++ { // those dropped from the ring are gone
		l := s.read(abs - s.base)
		if l == nil {
			continue
		}
		if l.Kind != KindExec {
			out = append(out, s.summary(l))
		}
		var owner int
		var found bool
		switch l.Kind {
		case KindCallback:
			owner, found = s.deliveryWithID(l.CallbackFor, abs)
		case KindExec:
			owner, found = s.find(l.deliverySeq)
		}
		if found && owner >= s.base {
			if ol := s.row(owner - s.base); ol != nil {
				out = append(out, s.summary(ol))
			}
		}
	}
	return out
}

// deliveryWithID is the latest delivery before abs with that id.
func (s *Store) deliveryWithID(id string, abs int) (int, bool) {
	if id == "" {
		return 0, false
	}
	for i := abs - 1 - s.base; i >= 0 && i >= abs-s.base-4096; i-- {
		if l := s.row(i); l != nil && l.Kind == KindDelivery && l.DeliveryID == id {
			return s.base + i, true
		}
	}
	return 0, false
}
