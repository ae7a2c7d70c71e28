package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Store holds the records the inspector shows, in the order they were
// written: either an index over a record file (OpenFile), which keeps only
// each line's offset and summary and reads a record again when it is
// opened, or a ring of this run's lines in memory (NewMemory), oldest
// dropped first.
//
// A record file's summaries are read lazily, newest first: the first page
// needs only the last lines, and a background pass (Warm) reads the rest, so
// a filter over an old part of a large file waits only for what has not been
// read yet.
type Store struct {
	mu    sync.Mutex
	hub   *Hub
	lines []entry
	base  int // absolute number of lines[0]; lines dropped from the ring are gone
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
	buf       []byte // follow's read buffer
	tailBuf   []byte // wholeLines' read buffer

	// A ring.
	maxLines int
	maxBytes int
	bytes    int
	dropped  int64
	queue    chan []byte
	queued   atomic.Int64 // bytes in queue
	lost     int64        // lines the ring had no room to queue
}

type entry struct {
	off  int64
	n    int32
	raw  []byte // a ring's line; nil for a file's
	seq  int64
	ok   bool // read and is a record
	read bool
	line *line // nil until read
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
	s.queue = make(chan []byte, 1024)
	return s
}

// Close releases the record file.
func (s *Store) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// Hub is where new lines are announced.
func (s *Store) Hub() *Hub { return s.hub }

// Info says what the store holds.
func (s *Store) Info() Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := Info{Records: len(s.lines), Skipped: s.skipped, TooLong: s.tooLong, MaxLine: record.MaxLineSize, Indexing: !s.indexed()}
	if s.f != nil {
		in.Source, in.File = "file", s.path
		return in
	}
	in.Source, in.Capacity, in.Dropped, in.Lost = "memory", s.maxLines, s.dropped, s.lost
	return in
}

// add appends e and returns its absolute number. A line that has been read
// is linked at once; a file's others are linked when read.
func (s *Store) add(e entry) int {
	abs := s.base + len(s.lines)
	if n := len(s.lines); s.monotonic && n > 0 && e.seq <= s.lines[n-1].seq {
		s.monotonic = false
		for i := range s.lines {
			s.bySeq[s.lines[i].seq] = s.base + i
		}
	}
	s.lines = append(s.lines, e)
	if !s.monotonic {
		s.bySeq[e.seq] = abs
	}
	if e.read {
		s.link(abs)
	}
	return abs
}

// find is the absolute number of the line numbered seq.
func (s *Store) find(seq int64) (int, bool) {
	if !s.monotonic {
		abs, ok := s.bySeq[seq]
		return abs, ok
	}
	i := sort.Search(len(s.lines), func(j int) bool { return s.lines[j].seq >= seq })
	if i < len(s.lines) && s.lines[i].seq == seq {
		return s.base + i, true
	}
	return 0, false
}

// link files the line at abs under the delivery it belongs to.
func (s *Store) link(abs int) {
	e := &s.lines[abs-s.base]
	if !e.ok {
		return
	}
	switch e.line.Kind {
	case KindCallback:
		if id := e.line.CallbackFor; id != "" {
			s.callbacks[id] = append(s.callbacks[id], abs)
		}
	case KindExec:
		s.execs[e.line.deliverySeq] = append(s.execs[e.line.deliverySeq], abs)
	}
}

// dropFirst lets go of a ring's oldest line.
func (s *Store) dropFirst() {
	e := s.lines[0]
	abs := s.base
	s.bytes -= len(e.raw)
	s.dropped++
	if !s.monotonic && s.bySeq[e.seq] == abs {
		delete(s.bySeq, e.seq)
	}
	kind := ""
	if e.ok {
		kind = e.line.Kind
	}
	switch kind {
	case KindCallback:
		s.callbacks[e.line.CallbackFor] = without(s.callbacks[e.line.CallbackFor], abs)
		if len(s.callbacks[e.line.CallbackFor]) == 0 {
			delete(s.callbacks, e.line.CallbackFor)
		}
	case KindExec:
		s.execs[e.line.deliverySeq] = without(s.execs[e.line.deliverySeq], abs)
		if len(s.execs[e.line.deliverySeq]) == 0 {
			delete(s.execs, e.line.deliverySeq)
		}
	}
	s.lines[0] = entry{}
	s.lines = s.lines[1:]
	s.base++
	if cap(s.lines) > 2*s.maxLines && len(s.lines) < cap(s.lines)/2 {
		s.lines = append(make([]entry, 0, s.maxLines+1), s.lines...)
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

// readOne reads the summary of line i, if that has not been done.
func (s *Store) readOne(i int) {
	e := &s.lines[i]
	if e.read {
		return
	}
	e.read = true
	raw, err := s.rawAt(i)
	if err != nil {
		return
	}
	l, err := parseLine(raw, s.events)
	if err != nil {
		s.skipped++
		return
	}
	e.ok, e.line = true, &l
	s.link(s.base + i)
}

// rawAt is the record line at relative index i.
func (s *Store) rawAt(i int) ([]byte, error) {
	e := &s.lines[i]
	if e.raw != nil {
		return e.raw, nil
	}
	b := make([]byte, e.n)
	if _, err := s.f.ReadAt(b, e.off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return bytes.TrimSpace(b), nil
}

// summary is the row for the line at absolute number abs, with its links
// counted.
func (s *Store) summary(abs int) Summary {
	e := &s.lines[abs-s.base]
	sum := e.line.Summary
	if sum.Kind == KindDelivery && sum.DeliveryID != "" {
		sum.Callbacks = len(s.callbacks[sum.DeliveryID])
	}
	sum.ExecRuns = len(s.execs[sum.Seq])
	return sum
}

// listed reports whether the line at relative index i is a row of the list.
func (s *Store) listed(i int) bool {
	e := &s.lines[i]
	return e.ok && e.line.Kind != KindExec
}

// announce is the rows to stream for the new lines at absolute numbers
// added: each new row, and the delivery a callback or exec run belongs to,
// whose counts changed.
func (s *Store) announce(added []int) []Summary {
	if !s.hub.active() {
		return nil // nobody is looking: leave the lines unread
	}
	var out []Summary
	for _, abs := range added {
		i := abs - s.base
		if i < 0 {
			continue // already dropped from the ring
		}
		s.readOne(i)
		e := &s.lines[i]
		if !e.ok {
			continue
		}
		if s.listed(i) {
			out = append(out, s.summary(abs))
		}
		var owner int
		var found bool
		switch e.line.Kind {
		case KindCallback:
			owner, found = s.deliveryWithID(e.line.CallbackFor, abs)
		case KindExec:
			owner, found = s.find(e.line.deliverySeq)
		}
		if found && owner >= s.base && s.listed(owner-s.base) {
			out = append(out, s.summary(owner))
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
		s.readOne(i)
		e := &s.lines[i]
		if e.ok && e.line.Kind == KindDelivery && e.line.DeliveryID == id {
			return s.base + i, true
		}
	}
	return 0, false
}
