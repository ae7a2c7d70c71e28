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
	// parsed is the relative index from which on every line's summary of
	// the file as opened has been read (newest first, by List and Warm).
	parsed int
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
	if err := s.refresh(true); err != nil {
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
	in := Info{Records: len(s.lines), Skipped: s.skipped}
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
	err := s.refresh(false)
	var added []int
	for i := from; i < s.base+len(s.lines); i++ {
		added = append(added, i)
	}
	out := s.announce(added)
	s.mu.Unlock()
	s.hub.publish(out)
	return err
}

// refresh indexes [s.end, last newline) of the file. At open, a file in
// which no line is a record is an error.
func (s *Store) refresh(opening bool) error {
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
	var err2 error
	if opening {
		err2 = s.index(whole)
	} else {
		err2 = s.follow(whole)
	}
	if err2 != nil {
		return err2
	}
	s.end += whole
	return nil
}

// index reads the n bytes from s.end at open, as fast as the disk gives
// them: it keeps each line's offset and seq, and reads whole only the lines
// that are not as listen writes them and the callbacks and exec runs (to
// link them to their deliveries). Other summaries are read when asked for.
func (s *Store) index(n int64) error {
	const chunk = 1 << 20
	buf := make([]byte, 0, chunk)
	var first *record.NotRecordError
	lineNo, records := 0, 0
	pos := s.end // file offset of buf[0]
	for read := int64(0); read < n || len(buf) > 0; {
		if read < n {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)] // a line longer than the buffer
			}
			m, err := s.f.ReadAt(buf[len(buf):min(int64(cap(buf)), int64(len(buf))+n-read)], s.end+read)
			buf = buf[:len(buf)+m]
			read += int64(m)
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if m == 0 {
				break
			}
		}
		rest := buf
		for {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			raw := rest[:i+1]
			off := pos + int64(len(buf)-len(rest))
			rest = rest[i+1:]
			lineNo++
			line := bytes.TrimSpace(raw)
			if len(line) == 0 {
				continue
			}
			e := entry{off: off, n: int32(len(raw))}
			if v, ok := seqPrefix(line); ok && !linked(line) {
				e.seq = v
			} else if l, err := parseLine(line); err == nil {
				e.seq, e.read, e.ok, e.line = l.Seq, true, true, &l
			} else {
				s.skipped++
				if first == nil {
					first = &record.NotRecordError{Line: lineNo, Err: err}
				}
				continue
			}
			records++
			s.add(e)
		}
		pos += int64(len(buf) - len(rest))
		buf = append(buf[:0], rest...)
		if read >= n && len(buf) > 0 {
			break // cannot happen: n ends in a newline
		}
	}
	if records == 0 && first != nil {
		return fmt.Errorf("%s: %w", s.path, first)
	}
	s.parsed = len(s.lines)
	return nil
}

// follow reads whole the n bytes of new lines from s.end, through
// record.Reader as every reader of records does.
func (s *Store) follow(n int64) error {
	r := record.NewReader(io.NewSectionReader(s.f, s.end, n))
	r.Skip = func(int) { s.skipped++ }
	for {
		var l line
		err := r.NextFunc(func(raw []byte) (err error) { l, err = parseLine(raw); return err })
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var nre *record.NotRecordError
			if errors.As(err, &nre) {
				s.skipped++ // a stretch of lines, none a record
				return nil
			}
			return fmt.Errorf("%s: %w", s.path, err)
		}
		off, ln := r.Span()
		s.add(entry{off: s.end + off, n: int32(ln), seq: l.Seq, read: true, ok: true, line: &l})
	}
}

// wholeLines is how many of the n new bytes end in a newline: a line still
// being written is left for the next look.
func (s *Store) wholeLines(n int64) int64 {
	const chunk = 64 << 10
	buf := make([]byte, chunk)
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

// parseDown reads the summaries of lines [to, s.parsed), newest first, at
// most limit of them (limit < 0: all).
func (s *Store) parseDown(to, limit int) {
	for s.parsed > to && limit != 0 {
		s.parsed--
		limit--
		s.readOne(s.parsed)
	}
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

// Warm reads every summary not read yet, newest first, a slice at a time so
// that the page's requests get their turn, until done or ctx is cancelled.
func (s *Store) Warm(ctx context.Context) {
	for ctx.Err() == nil {
		s.mu.Lock()
		s.parseDown(0, 512)
		done := s.parsed == 0
		s.mu.Unlock()
		if done {
			return
		}
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
	s.mu.Lock()
	defer s.mu.Unlock()
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
		if i < s.parsed {
			s.parseDown(max(i-255, 0), -1)
		}
		s.readOne(i) // a ring's line, or one appended since
		if !s.listed(i) || (s.lines[i].seq >= before && before > 0) {
			continue
		}
		sum := s.summary(s.base + i)
		if !f.Match(&sum) {
			continue
		}
		p.Deliveries = append(p.Deliveries, sum)
		if len(p.Deliveries) == limit {
			if i > 0 {
				next := sum.Seq
				p.Next = &next
			}
			break
		}
	}
	return p
}

// ErrNotFound is the answer for a seq the store does not hold.
var ErrNotFound = errors.New("no record with that seq")

// Detail is the record numbered seq as the record file has it, headers
// masked, with "callbacks" (the callbacks the stand-in got for its delivery
// id) and "exec_runs" (its listen --exec runs) added.
func (s *Store) Detail(seq int64) (map[string]json.RawMessage, error) {
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
	var rec record.Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("record %d: %w", seq, err)
	}
	return &rec, nil
}
