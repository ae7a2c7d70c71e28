package samples

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Sample is one payload: a payload file's contents or a recorded delivery's
// body. Its fields are valid only during the call it is passed to.
type Sample struct {
	// Index orders the samples: the inputs in the order given, the lines
	// of a record file in file order. Reports name the lowest index first.
	Index  int64
	Source string
	Record bool      // from a record file: Seq, Line and At are set
	Seq    int64     // the record's seq
	Line   int       // the record's line in its file
	At     time.Time // when listen received it
	// Schema is the schema name listen recorded ("" when none).
	Schema string
	Body   []byte
}

// Where names the sample for a person: "rec.ndjson seq 7" or "a.json".
func (s *Sample) Where() string {
	if s.Record {
		return fmt.Sprintf("%s seq %d", s.Source, s.Seq)
	}
	return s.Source
}

// Options say how to read.
type Options struct {
	Stdin io.Reader
	// MaxSize bounds one payload file or a payload on standard input
	// (input.DefaultMaxSize when 0). Record lines have their own bound,
	// record.MaxLineSize.
	MaxSize int64
	// Since passes over records received before it (zero: none). Payload
	// files carry no delivery time and are always read.
	Since time.Time
	// Workers call fn at once (0: one per CPU).
	Workers int
}

// Stats count what was read and what was passed over.
type Stats struct {
	Files      int64 // payload files read
	Deliveries int64 // recorded deliveries read
	// Passed over: callbacks and exec runs are not deliveries; a refused
	// request has no whole body; a duplicate repeats a delivery already
	// read; an older one is before --since; a line that is not a record
	// (a torn line, another tool's output) says nothing.
	Callbacks, Execs, Refused, Duplicates, Older, NotRecords int64
}

// Samples is how many samples were handed on.
func (s Stats) Samples() int64 { return s.Files + s.Deliveries }

func (s *Stats) add(o Stats) {
	s.Files += o.Files
	s.Deliveries += o.Deliveries
	s.Callbacks += o.Callbacks
	s.Execs += o.Execs
	s.Refused += o.Refused
	s.Duplicates += o.Duplicates
	s.Older += o.Older
	s.NotRecords += o.NotRecords
}

// InputError is a source that could not be read.
type InputError struct {
	Name string
	Err  error
}

func (e *InputError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

type item struct {
	index  int64
	src    int
	line   int
	data   []byte
	record bool
}

// DefaultWorkers is how many workers Read uses when Options.Workers is 0:
// one per CPU.
func DefaultWorkers() int { return runtime.GOMAXPROCS(0) }

// Read reads every source and calls fn once per sample, from Workers
// goroutines at once; worker says which (0 to Workers-1), so a caller can
// keep state per worker and merge it at the end. The first error (the
// lowest sample's, so it does not depend on scheduling) stops the reading
// and is returned: an unreadable source, a record file without a single
// record, or an error from fn.
func Read(ctx context.Context, srcs []Source, o Options, fn func(worker int, s *Sample) error) (Stats, error) {
	workers := o.Workers
	if workers <= 0 {
		workers = DefaultWorkers()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &run{srcs: srcs, o: o, fn: fn, cancel: cancel, errIndex: -1, scanners: make([]jsonscan.Scanner, workers)}
	items := make(chan item, 2*workers)
	var wg sync.WaitGroup
	stats := make([]Stats, workers)
	perSrc := make([]map[int]*[2]int64, workers)
	for w := range workers {
		wg.Add(1)
		perSrc[w] = map[int]*[2]int64{}
		go func() {
			defer wg.Done()
			for it := range items {
				if r.stopped(it.index) {
					continue // drain: an earlier sample's error stopped the run
				}
				if err := r.handle(w, it, &stats[w], perSrc[w]); err != nil {
					r.fail(it.index, err)
				}
			}
		}()
	}
	next, err := r.produce(ctx, items)
	close(items)
	wg.Wait()
	if err != nil {
		r.fail(next, err)
	}
	var total Stats
	for _, s := range stats {
		total.add(s)
	}
	if r.err != nil {
		return total, r.err
	}
	return total, r.checkRecordFiles(perSrc)
}

type run struct {
	srcs   []Source
	o      Options
	fn     func(int, *Sample) error
	cancel context.CancelFunc

	mu       sync.Mutex
	err      error
	errIndex int64
	// records marks the sources read as record files.
	records sync.Map
	// scanners are the workers' own.
	scanners []jsonscan.Scanner
}

func (r *run) fail(index int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil || index < r.errIndex {
		r.err, r.errIndex = err, index
	}
	r.cancel()
}

// stopped reports whether an error before the sample at index stopped
// the run: a sample before the error still runs, so the error returned is
// the lowest sample's whichever worker failed first.
func (r *run) stopped(index int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err != nil && r.errIndex < index
}

// checkRecordFiles fails a record file in which no line was a record:
// the user named the wrong file, and a run over nothing would say nothing.
func (r *run) checkRecordFiles(perSrc []map[int]*[2]int64) error {
	for i, s := range r.srcs {
		if _, ok := r.records.Load(i); !ok {
			continue
		}
		var recs, bad int64
		for _, m := range perSrc {
			if c := m[i]; c != nil {
				recs += c[0]
				bad += c[1]
			}
		}
		if recs == 0 && bad > 0 {
			return &InputError{Name: s.Name, Err: fmt.Errorf("not a record file: none of its %d lines is a record `listen --record` writes", bad)}
		}
	}
	return nil
}

// produce reads the sources in order and queues their items. It returns
// the index the next item would have had, for an error's place in order.
func (r *run) produce(ctx context.Context, items chan<- item) (int64, error) {
	var index int64
	send := func(it item) bool {
		it.index = index
		index++
		select {
		case items <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for i, s := range r.srcs {
		if ctx.Err() != nil {
			return index, nil
		}
		if err := r.readSource(i, s, send); err != nil {
			return index, &InputError{Name: s.Name, Err: err}
		}
	}
	return index, nil
}

func (r *run) readSource(i int, s Source, send func(item) bool) error {
	var in io.Reader
	if s.stdin {
		in = r.o.Stdin
		if in == nil {
			in = bytes.NewReader(nil)
		}
	} else {
		f, err := os.Open(s.Name)
		if err != nil {
			return unwrapPath(err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return input.ErrIsDirectory
		}
		in = f
	}
	br := bufio.NewReaderSize(in, 64<<10)
	var first []byte
	isRecord := isRecordName(s.Name)
	if !isRecord {
		var err error
		if first, err = firstLine(br); err != nil {
			return err
		}
		isRecord = looksLikeRecord(first)
	}
	rest := io.MultiReader(bytes.NewReader(first), br)
	if !isRecord {
		body, err := input.ReadAll(rest, s.Name, r.maxSize())
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return errors.New("empty: no payload in it")
		}
		send(item{src: i, data: body})
		return nil
	}
	r.records.Store(i, true)
	rr := record.NewReader(rest)
	for {
		var line []byte
		err := rr.NextFunc(func(b []byte) error {
			line = bytes.Clone(b)
			return nil
		})
		if errors.Is(err, io.EOF) {
			return nil
		}
		var nr *record.NotRecordError
		if errors.As(err, &nr) {
			return fmt.Errorf("not a record file: %w", err)
		}
		if err != nil {
			return err
		}
		if !send(item{src: i, line: rr.Line(), data: line, record: true}) {
			return nil
		}
	}
}

func (r *run) maxSize() int64 {
	if r.o.MaxSize > 0 {
		return r.o.MaxSize
	}
	return input.DefaultMaxSize
}

// firstLine reads the first line (up to a record line's bound) without
// losing it: the caller reads it again in front of the rest.
func firstLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > record.MaxLineSize {
			return line, nil // longer than any record: a payload, if anything
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return line, nil
	}
}

// handle turns an item into a sample and hands it to fn, or counts why it
// is passed over.
func (r *run) handle(w int, it item, st *Stats, perSrc map[int]*[2]int64) error {
	name := r.srcs[it.src].Name
	if !it.record {
		st.Files++
		return r.fn(w, &Sample{Index: it.index, Source: name, Body: it.data})
	}
	c := perSrc[it.src]
	if c == nil {
		c = &[2]int64{}
		perSrc[it.src] = c
	}
	var rl recLine
	if !parseLine(&r.scanners[w], it.data, &rl) || (rl.Method == "" && rl.Kind != record.KindExec) {
		c[1]++
		st.NotRecords++
		return nil
	}
	c[0]++
	switch {
	case rl.Kind == record.KindExec:
		st.Execs++
		return nil
	case rl.Kind == record.KindCallback:
		st.Callbacks++
		return nil
	case rl.Duplicate:
		st.Duplicates++
		return nil
	case !rl.HasSchema && rl.Error != "":
		st.Refused++
		return nil
	case !r.o.Since.IsZero() && rl.ReceivedAt.Before(r.o.Since):
		st.Older++
		return nil
	}
	rec := record.Record{Seq: rl.Seq, Body: rl.Body, BodyEncoding: rl.BodyEncoding}
	body, err := rec.RawBody()
	if err != nil {
		st.NotRecords++
		return nil
	}
	st.Deliveries++
	s := &Sample{Index: it.index, Source: name, Record: true, Seq: rl.Seq, Line: it.line, At: rl.ReceivedAt, Body: body}
	s.Schema = rl.SchemaName
	return r.fn(w, s)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
