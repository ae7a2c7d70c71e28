package inspect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

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

	// A record file.
	path    string
	f       *os.File
	end     int64 // bytes indexed
	skipped int   // lines that are not records
	notify  chan struct{}
	buf     []byte // follow's read buffer
	tailBuf []byte // wholeLines' read buffer

	// A ring.
	maxLines int
	maxBytes int
	bytes    int
	dropped  int64
	queue    chan []byte
	lost     int64 // batches the ring had no room to queue
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
	Indexing bool   `json:"indexing,omitempty"` // the start of a large file is still being indexed
}

func newStore() *Store {
	return &Store{
		hub:       NewHub(),
		bySeq:     map[int64]int{},
		monotonic: true,
		callbacks: map[string][]int{},
		execs:     map[int64][]int{},
	}
}

// OpenFile indexes the record file at path. Refresh (or Follow) indexes
// lines appended later. Close closes the file.
func OpenFile(path string) (*Store, error) {
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
	if err := s.open(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// NewMemory is a ring of at most maxLines lines and maxBytes bytes of record
// lines, fed by Feed.
func NewMemory(maxLines, maxBytes int) *Store {
	s := newStore()
	s.maxLines, s.maxBytes = maxLines, maxBytes
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
	in := Info{Records: len(s.lines), Skipped: s.skipped, Indexing: !s.indexed()}
	if s.f != nil {
		in.Source, in.File = "file", s.path
		return in
	}
	in.Source, in.Capacity, in.Dropped, in.Lost = "memory", s.maxLines, s.dropped, s.lost
	return in
}

// Tap is a record.Options.Tap: it hands a written batch to the store
// without waiting. A file store only notes that the file grew; a ring
// copies the batch for Run to read, and counts it lost when its queue is
// full rather than hold up the listener.
func (s *Store) Tap(batch []byte) {
	if s.f != nil {
		select {
		case s.notify <- struct{}{}:
		default:
		}
		return
	}
	b := append([]byte(nil), batch...)
	select {
	case s.queue <- b:
	default:
		s.mu.Lock()
		s.lost += int64(bytes.Count(batch, []byte{'\n'}))
		s.mu.Unlock()
	}
}

// refreshRate is how many times a second, at most, Run looks at a growing
// record file.
const refreshRate = 20

// Run reads what Tap queued (a ring) or follows the file (a record file,
// at each Tap and every interval), until ctx is done.
func (s *Store) Run(ctx context.Context, tick <-chan time.Time) {
	if s.f != nil {
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.notify:
			case <-tick:
			}
			_ = s.Refresh()
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
		case b := <-s.queue:
			s.Feed(b)
		}
	}
}

// Feed adds the record lines in b to a ring.
//
// The lines are split in place, not through record.Reader, which copies
// each: this runs for every delivery of a busy listener.
func (s *Store) Feed(b []byte) {
	s.mu.Lock()
	var added []int
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		raw := bytes.TrimSpace(b[:i])
		b = b[min(i+1, len(b)):]
		if len(raw) == 0 {
			continue
		}
		// A delivery's summary is read when it is listed or streamed;
		// callbacks and exec runs at once, to link them.
		e := entry{raw: raw}
		if v, ok := seqPrefix(raw); ok && !linked(raw) {
			e.seq = v
		} else if l, err := parseLine(raw); err == nil {
			e.seq, e.read, e.ok, e.line = l.Seq, true, true, &l
		} else {
			s.skipped++
			continue
		}
		added = append(added, s.add(e))
		s.bytes += len(raw)
	}
	for len(s.lines) > 0 && (len(s.lines) > s.maxLines || s.bytes > s.maxBytes) {
		s.dropFirst()
	}
	out := s.announce(added)
	s.mu.Unlock()
	s.hub.publish(out)
}

// Refresh indexes the lines appended to the record file since the last
// look. A file that shrank was rewritten: it is indexed again from the
// start.
func (s *Store) Refresh() error {
	s.mu.Lock()
	from := s.base + len(s.lines)
	err := s.refresh()
	var added []int
	for i := from; i < s.base+len(s.lines); i++ {
		added = append(added, i)
	}
	out := s.announce(added)
	s.mu.Unlock()
	s.hub.publish(out)
	return err
}

// refresh indexes the whole lines in [s.end, the end of the file).
func (s *Store) refresh() error {
	st, err := s.f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < s.end {
		s.reset()
	}
	n := st.Size() - s.end
	if n == 0 {
		return nil
	}
	whole := s.wholeLines(n)
	if err := s.follow(whole); err != nil {
		return err
	}
	s.end += whole
	return nil
}

// tailBytes is how much of the end of a record file is indexed before
// OpenFile returns; the rest is indexed in the background (tests shrink it).
var tailBytes int64 = 8 << 20

// open indexes the whole lines of the file: its last tailBytes at once, so
// that the newest page is ready, and the lines before them in the
// background (see indexHead).
func (s *Store) open() error {
	st, err := s.f.Stat()
	if err != nil {
		return err
	}
	end := s.wholeLines(st.Size())
	start := s.lineStart(max(end-tailBytes, 0))
	tail, skipped, first, err := scanIndex(s.f, start, end-start)
	if err != nil {
		return err
	}
	if len(tail) == 0 && start > 0 {
		// Nothing to show at the end: index the whole file now, which
		// also tells a file with no record at all.
		start = 0
		if tail, skipped, first, err = scanIndex(s.f, 0, end); err != nil {
			return err
		}
	}
	if len(tail) == 0 && first != nil {
		return fmt.Errorf("%s: %w", s.path, first)
	}
	s.skipped += skipped
	s.install(tail)
	s.end = end
	if start > 0 {
		s.ready = make(chan struct{})
		go s.indexHead(s.gen, start)
	}
	return nil
}

// lineStart is the offset of the first line that starts at or after off.
func (s *Store) lineStart(off int64) int64 {
	if off == 0 {
		return 0
	}
	buf := make([]byte, 64<<10)
	for {
		m, err := s.f.ReadAt(buf, off-1)
		if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
			return off + int64(i)
		}
		if err != nil {
			return off - 1 + int64(m)
		}
		off += int64(m)
	}
}

// install appends lines read by scanIndex, all of them below the read
// frontier except those read whole.
func (s *Store) install(es []entry) {
	for _, e := range es {
		s.add(e)
	}
	s.parsed = len(s.lines)
}

// indexHead indexes [0, start) and puts those lines before the ones
// OpenFile indexed. Numbers of lines (base+i) stay what they were: base goes
// down by as many lines as come in front.
func (s *Store) indexHead(gen int, start int64) {
	head, skipped, _, err := scanIndex(s.f, 0, start)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(s.ready)
	if err != nil || s.gen != gen {
		return
	}
	s.skipped += skipped
	k := len(head)
	if k > 0 && len(s.lines) > 0 && head[k-1].seq >= s.lines[0].seq {
		s.monotonic = false
	}
	s.lines = append(head, s.lines...)
	s.base -= k
	s.parsed += k
	if !s.monotonic {
		for i := range s.lines {
			s.bySeq[s.lines[i].seq] = s.base + i
		}
	}
	for i := range k {
		if s.lines[i].read {
			s.link(s.base + i)
		}
	}
}

// waitIndexed returns once the whole file is indexed.
func (s *Store) waitIndexed() {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if ready != nil {
		<-ready
	}
}

// indexed reports whether the whole file is indexed. s.mu is held.
func (s *Store) indexed() bool {
	if s.ready == nil {
		return true
	}
	select {
	case <-s.ready:
		return true
	default:
		return false
	}
}

// scanIndex reads n bytes of whole lines of f from off, as fast as the disk
// gives them: it keeps each line's offset and seq, and reads whole only the
// lines that are not as listen writes them, and callbacks and exec runs (to
// link them to their deliveries). Other summaries are read when asked for.
// It returns the lines, how many lines are not records, and the first.
func scanIndex(f *os.File, off, n int64) ([]entry, int, *record.NotRecordError, error) {
	return scanIndexBuf(f, off, n, make([]byte, 0, min(n, 1<<20)))
}

// scanIndexBuf is scanIndex reading through buf (its capacity), which a
// store following its file reuses.
func scanIndexBuf(f *os.File, off, n int64, buf []byte) ([]entry, int, *record.NotRecordError, error) {
	buf = buf[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 4096)
	}
	var es []entry
	var first *record.NotRecordError
	lineNo, skipped := 0, 0
	pos := off // file offset of buf[0]
	for read := int64(0); read < n; {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // a line longer than the buffer
		}
		m, err := f.ReadAt(buf[len(buf):min(int64(cap(buf)), int64(len(buf))+n-read)], off+read)
		buf = buf[:len(buf)+m]
		read += int64(m)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, nil, err
		}
		if m == 0 {
			break
		}
		rest := buf
		for {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			raw := rest[:i+1]
			at := pos + int64(len(buf)-len(rest))
			rest = rest[i+1:]
			lineNo++
			line := bytes.TrimSpace(raw)
			if len(line) == 0 {
				continue
			}
			e := entry{off: at, n: int32(len(raw))}
			if v, ok := seqPrefix(line); ok && !linked(line) {
				e.seq = v
			} else if l, err := parseLine(line); err == nil {
				e.seq, e.read, e.ok, e.line = l.Seq, true, true, &l
			} else {
				skipped++
				if first == nil {
					first = &record.NotRecordError{Line: lineNo, Err: err}
				}
				continue
			}
			es = append(es, e)
		}
		pos += int64(len(buf) - len(rest))
		buf = append(buf[:0], rest...)
	}
	return es, skipped, first, nil
}

// follow indexes the n bytes of new lines from s.end as open does: a
// listen --record file grows by every delivery, and the page must not cost
// the listener a decoded copy of each. Lines are read when the page lists
// or streams them.
func (s *Store) follow(n int64) error {
	if cap(s.buf) < int(min(n, 1<<20)) {
		s.buf = make([]byte, 0, min(n, 1<<20))
	}
	es, skipped, _, err := scanIndexBuf(s.f, s.end, n, s.buf)
	if err != nil {
		return err
	}
	s.skipped += skipped
	for _, e := range es {
		s.add(e)
	}
	return nil
}

// wholeLines is how many of the n new bytes end in a newline: a line still
// being written is left for the next look.
func (s *Store) wholeLines(n int64) int64 {
	const chunk = 64 << 10
	if cap(s.tailBuf) < chunk {
		s.tailBuf = make([]byte, chunk)
	}
	buf := s.tailBuf[:chunk]
	for end := n; end > 0; {
		start := max(end-chunk, 0)
		m, _ := s.f.ReadAt(buf[:end-start], s.end+start)
		if i := bytes.LastIndexByte(buf[:m], '\n'); i >= 0 {
			return start + int64(i) + 1
		}
		end = start
	}
	return 0
}

func (s *Store) reset() {
	s.gen++
	s.lines, s.base, s.parsed, s.end, s.skipped = nil, 0, 0, 0, 0
	s.bySeq, s.monotonic = map[int64]int{}, true
	s.callbacks, s.execs = map[string][]int{}, map[int64][]int{}
}

// linked reports whether a record line is a callback or an exec run: one
// that belongs to a delivery, read at once so that a delivery's detail and
// its row's counts need no other line read. Bodies and headers are JSON
// strings, where quotes are escaped, so these bytes occur only as the
// record's own field (the signature's kind is never either value). Both
// kinds of line are short.
//
// listen writes kind after the body and the verdicts, followed only by short
// fields, so only a line's tail is searched: this runs on every line of a
// large file. A callback missed here (one with a very long query) is linked
// when its summary is read.
func linked(b []byte) bool {
	return bytes.HasPrefix(b, []byte(`{"kind":"`)) || bytes.Contains(b[max(len(b)-640, 0):], []byte(`"kind":"callback"`))
}

// seqPrefix reads N from a line that starts {"seq":N, as listen writes.
func seqPrefix(b []byte) (int64, bool) {
	const p = `{"seq":`
	if !bytes.HasPrefix(b, []byte(p)) {
		return 0, false
	}
	i := len(p)
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == len(p) || i >= len(b) || (b[i] != ',' && b[i] != '}') {
		return 0, false
	}
	v, err := strconv.ParseInt(string(b[len(p):i]), 10, 64)
	return v, err == nil
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
	l, err := parseLine(raw)
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

// Warm reads every summary not read yet, newest first, until done or ctx
// is cancelled. It reads and decodes a few lines at a time without holding
// the store, so the page's requests are never kept waiting for it.
func (s *Store) Warm(ctx context.Context) {
	s.waitIndexed()
	const batch = 64
	type job struct {
		i    int
		off  int64
		n    int32
		line *line
	}
	jobs := make([]job, 0, batch)
	for ctx.Err() == nil {
		s.mu.Lock()
		gen, from := s.gen, s.parsed
		jobs = jobs[:0]
		for i := from - 1; i >= 0 && len(jobs) < batch; i-- {
			if e := &s.lines[i]; !e.read && e.raw == nil {
				jobs = append(jobs, job{i: i, off: e.off, n: e.n})
			}
		}
		s.mu.Unlock()
		if from == 0 {
			return
		}
		for k := range jobs {
			b := make([]byte, jobs[k].n)
			if _, err := s.f.ReadAt(b, jobs[k].off); err == nil || errors.Is(err, io.EOF) {
				if l, err := parseLine(bytes.TrimSpace(b)); err == nil {
					jobs[k].line = &l
				}
			}
		}
		s.mu.Lock()
		if s.gen == gen {
			for _, j := range jobs {
				e := &s.lines[j.i]
				if e.read {
					continue // read meanwhile by a request
				}
				e.read = true
				if j.line == nil {
					s.skipped++
					continue
				}
				e.ok, e.line = true, j.line
				s.link(s.base + j.i)
			}
			low := 0
			if len(jobs) == batch {
				low = jobs[len(jobs)-1].i
			}
			s.parsed = min(s.parsed, low)
		}
		s.mu.Unlock()
	}
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

// Page is one answer of GET /api/deliveries.
type Page struct {
	Deliveries []Summary `json:"deliveries"`
	Next       *int64    `json:"next"`
}

// List returns up to limit rows matching f, newest first, from those with
// a seq below before (before <= 0: from the newest). Next is the seq to ask
// for the page after, nil when the start of the record was reached.
func (s *Store) List(limit int, before int64, f Filter) Page {
	for {
		s.mu.Lock()
		p, done := s.list(limit, before, f)
		s.mu.Unlock()
		if done {
			return p
		}
		s.waitIndexed()
	}
}

// list is List on the lines indexed so far; done is false when it reached
// their start before the file's.
func (s *Store) list(limit int, before int64, f Filter) (Page, bool) {
	p := Page{Deliveries: []Summary{}}
	i := len(s.lines) - 1
	if before > 0 {
		if s.monotonic {
			i = sort.Search(len(s.lines), func(j int) bool { return s.lines[j].seq >= before }) - 1
		} else {
			for i >= 0 && s.lines[i].seq >= before {
				i--
			}
		}
	}
	for ; i >= 0; i-- {
		// Only this line needs reading: callbacks and exec runs were
		// linked when indexed.
		s.readOne(i)
		if !s.listed(i) || (s.lines[i].seq >= before && before > 0) {
			continue
		}
		sum := s.summary(s.base + i)
		if !f.Match(&sum) {
			continue
		}
		p.Deliveries = append(p.Deliveries, sum)
		if len(p.Deliveries) == limit {
			if i > 0 || !s.indexed() {
				next := sum.Seq
				p.Next = &next
			}
			return p, true
		}
	}
	// The start of the lines indexed: of the file, unless its head is
	// still being indexed.
	return p, s.indexed()
}

// waitFor waits for the whole file to be indexed when seq is not among the
// lines indexed so far.
func (s *Store) waitFor(seq int64) {
	s.mu.Lock()
	_, ok := s.find(seq)
	s.mu.Unlock()
	if !ok {
		s.waitIndexed()
	}
}

// ErrNotFound is the answer for a seq the store does not hold.
var ErrNotFound = errors.New("no record with that seq")

// Detail is the record numbered seq as the record file has it, headers
// masked, with "callbacks" (the callbacks the stand-in got for its delivery
// id) and "exec_runs" (its listen --exec runs) added.
func (s *Store) Detail(seq int64) (map[string]json.RawMessage, error) {
	s.waitFor(seq)
	s.mu.Lock()
	defer s.mu.Unlock()
	abs, ok := s.find(seq)
	if !ok {
		return nil, ErrNotFound
	}
	i := abs - s.base
	s.readOne(i)
	if !s.lines[i].ok {
		return nil, fmt.Errorf("record %d: its line is not a record (cut short?)", seq)
	}
	raw, err := s.rawAt(i)
	if err != nil {
		return nil, err
	}
	m, err := maskedRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", seq, err)
	}
	var cbs, runs []int
	if l := s.lines[i].line; l.Kind == KindDelivery && l.DeliveryID != "" {
		cbs = s.callbacks[l.DeliveryID]
	}
	runs = s.execs[seq]
	for _, link := range []struct {
		key  string
		list []int
	}{{"callbacks", cbs}, {"exec_runs", runs}} {
		items := []map[string]json.RawMessage{}
		// Lines are linked as they are read, newest first: show them in
		// the order they came.
		for _, a := range slices.Sorted(slices.Values(link.list)) {
			if raw, err := s.rawAt(a - s.base); err == nil {
				if cm, err := maskedRecord(raw); err == nil {
					items = append(items, cm)
				}
			}
		}
		m[link.key], _ = json.Marshal(items)
	}
	return m, nil
}

// Record is the record numbered seq, for a replay.
func (s *Store) Record(seq int64) (*record.Record, error) {
	s.waitFor(seq)
	s.mu.Lock()
	defer s.mu.Unlock()
	abs, ok := s.find(seq)
	if !ok {
		return nil, ErrNotFound
	}
	raw, err := s.rawAt(abs - s.base)
	if err != nil {
		return nil, err
	}
	// Read as replay reads a record file.
	rec, err := record.NewReader(bytes.NewReader(raw)).Next()
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", seq, err)
	}
	return rec, nil
}
