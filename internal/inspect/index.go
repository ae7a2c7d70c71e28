package inspect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Indexing a record file: the offsets of its lines, their seqs, and the
// callbacks and exec runs linked to their deliveries; summaries are read
// later (List, Warm).

// Refresh indexes the lines appended to the record file since the last
// look. A file that shrank was rewritten: it is indexed again from the
// start.
func (s *Store) Refresh() error {
	s.mu.Lock()
	from := s.base + s.lines.len()
	err := s.refresh()
	out := s.announce(from, s.base+s.lines.len())
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

// open indexes the whole lines of the file: its last s.tailBytes at once,
// so that the newest page is ready, and the lines before them in the
// background (see indexHead).
func (s *Store) open() error {
	st, err := s.f.Stat()
	if err != nil {
		return err
	}
	end := s.wholeLines(st.Size())
	start := s.lineStart(max(end-s.tailBytes, 0))
	tail, err := scanIndex(s.f, start, end-start, &s.lines, s.events)
	if err != nil {
		return err
	}
	if s.lines.len() == 0 && start > 0 {
		// Nothing to show at the end: index the whole file now, which
		// also tells a file with no record at all.
		start = 0
		if tail, err = scanIndex(s.f, 0, end, &s.lines, s.events); err != nil {
			return err
		}
	}
	if s.lines.len() == 0 && tail.first != nil {
		return fmt.Errorf("%s: %w", s.path, tail.first)
	}
	s.take(tail)
	s.parsed = s.lines.len()
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

// indexHead indexes [0, start) and puts those lines before the ones
// OpenFile indexed. Numbers of lines (base+i) stay what they were: base goes
// down by as many lines as come in front.
func (s *Store) indexHead(gen int, start int64) {
	var head lineIndex
	sc, err := scanIndex(s.f, 0, start, &head, s.events)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(s.ready)
	if err != nil || s.gen != gen {
		return
	}
	k := head.len()
	head.appendAll(&s.lines)
	s.lines = head
	s.base -= k
	s.parsed += k
	s.take(sc)
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

// follow indexes the n bytes of new lines from s.end as open does: a
// listen --record file grows by every delivery, and the page must not cost
// the listener a decoded copy of each. Lines are read when the page lists
// or streams them.
func (s *Store) follow(n int64) error {
	if cap(s.buf) < int(min(n, 1<<20)) {
		s.buf = make([]byte, 0, min(n, 1<<20))
	}
	from := s.lines.len()
	sc, err := scanIndexBuf(s.f, s.end, n, s.buf, &s.lines, s.events)
	if err != nil {
		s.lines.cut(from)
		return err
	}
	s.take(sc)
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
	s.lines, s.base, s.parsed, s.end, s.skipped, s.tooLong = lineIndex{}, 0, 0, 0, 0, 0
	s.cache = newSummaries(s.cache.budget)
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
// listen writes a callback's kind after the body and the verdicts, followed
// only by short fields, so only a line's tail is searched: this runs on every line of a
// large file. A callback missed here (one with a very long query) is linked
// when its summary is read.
func linked(b []byte) bool {
	// An exec line is short and says its kind right after its seq.
	return bytes.Contains(b[:min(len(b), 64)], []byte(`"kind":"exec"`)) ||
		bytes.Contains(b[max(len(b)-640, 0):], []byte(`"kind":"callback"`))
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

// Warm reads every line not read yet, newest first, until done or ctx is
// cancelled: it counts the lines that are not records, links the callbacks
// the index passed over (see linked), and caches summaries while the cache
// has room (FileOptions.SummaryBytes). It reads and decodes a few lines at
// a time without holding the store, so the page's requests are never kept
// waiting for it.
func (s *Store) Warm(ctx context.Context) {
	if s.f == nil {
		return
	}
	s.waitIndexed()
	const batch = 64
	jobs := make([]warmJob, 0, batch)
	var buf []byte
	for ctx.Err() == nil {
		s.mu.Lock()
		gen, from := s.gen, s.parsed
		jobs = jobs[:0]
		for i := from - 1; i >= 0 && len(jobs) < batch; i-- {
			if e := s.lines.at(i); e.flags&slotRead == 0 {
				jobs = append(jobs, warmJob{i: i, off: e.off, n: e.n})
			}
		}
		s.mu.Unlock()
		if from == 0 {
			return
		}
		buf = s.readJobs(jobs, buf)
		s.mu.Lock()
		if s.gen == gen {
			for _, j := range jobs {
				e := s.lines.at(j.i)
				if e.flags&slotRead != 0 {
					continue // read meanwhile by a request
				}
				e.flags |= slotRead
				if j.line == nil {
					s.skipped++
					continue
				}
				s.noteRead(s.base+j.i, e, j.line)
				s.cache.put(s.base+j.i, j.line)
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

// warmJob is a line Warm reads: its relative index, where it is in the
// file, and its summary once read.
type warmJob struct {
	i    int
	off  int64
	n    uint32
	line *line
}

// maxWarmSpan is the most Warm reads of a file at once.
const maxWarmSpan = 4 << 20

// readJobs reads the summaries of jobs' lines through buf, which it
// returns, grown. Lines next to each other in the file (the index's order)
// are read together: one read for a batch, not one for each line.
func (s *Store) readJobs(jobs []warmJob, buf []byte) []byte {
	for k := 0; k < len(jobs); {
		// jobs[k:end] lie within one span of the file.
		lo, hi, end := jobs[k].off, jobs[k].off+int64(jobs[k].n), k+1
		for ; end < len(jobs); end++ {
			nlo, nhi := min(lo, jobs[end].off), max(hi, jobs[end].off+int64(jobs[end].n))
			if nhi-nlo > maxWarmSpan {
				break
			}
			lo, hi = nlo, nhi
		}
		buf = slices.Grow(buf[:0], int(hi-lo))[:hi-lo]
		m, err := s.f.ReadAt(buf, lo)
		if err != nil && !errors.Is(err, io.EOF) {
			m = 0
		}
		for ; k < end; k++ {
			j := &jobs[k]
			from, to := j.off-lo, j.off-lo+int64(j.n)
			if to > int64(m) {
				continue // not read: counted as no record, as before
			}
			if l, err := parseLine(bytes.TrimSpace(buf[from:to]), s.events); err == nil {
				j.line = &l
			}
		}
	}
	if cap(buf) > maxWarmSpan {
		buf = nil
	}
	return buf
}
