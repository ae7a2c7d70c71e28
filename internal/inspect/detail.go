package inspect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// What the page asks of a Store: a page of rows, a record's detail, a
// record to replay.

// Page is one answer of GET /api/deliveries.
type Page struct {
	Deliveries []Summary `json:"deliveries"`
	Next       *int64    `json:"next"`
}

// List returns up to limit rows matching f, newest first, from those with
// a seq below before (before <= 0: from the newest). Next is the seq to ask
// for the page after, nil when the start of the record was reached.
func (s *Store) List(limit int, before int64, f Filter) Page {
	s.catchUp()
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
	i := s.lines.len() - 1
	if before > 0 {
		if s.monotonic {
			i = s.lines.search(before) - 1
		} else {
			for i >= 0 && s.lines.at(i).seq >= before {
				i--
			}
		}
	}
	for ; i >= 0; i-- {
		if before > 0 && s.lines.at(i).seq >= before {
			continue
		}
		// Only this line needs reading: callbacks and exec runs were
		// linked when indexed.
		l := s.row(i)
		if l == nil {
			continue
		}
		sum := s.summary(l)
		if !f.Match(&sum) {
			continue
		}
		p.Deliveries = append(p.Deliveries, sum.cut())
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
	s.catchUp()
	s.waitFor(seq)
	s.mu.Lock()
	defer s.mu.Unlock()
	abs, ok := s.find(seq)
	if !ok {
		return nil, ErrNotFound
	}
	i := abs - s.base
	l := s.read(i)
	if l == nil {
		return nil, fmt.Errorf("record %d: its line is not a record (cut short?)", seq)
	}
	raw, err := s.rawAt(i)
	if err != nil {
		return nil, err
	}
	m, err := redact.RecordLine(raw)
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", seq, err)
	}
	var cbs, runs []int
	if l.Kind == KindDelivery && l.DeliveryID != "" {
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
				if cm, err := redact.RecordLine(raw); err == nil {
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
	s.catchUp()
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
