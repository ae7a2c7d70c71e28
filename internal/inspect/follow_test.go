package inspect_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// What following a record file costs per line, as listen --record with its
// page does all run long: the index of a plain delivery line is a few
// packed words, and summaries read are held in a bounded cache.

// followLine appends to b a record line of seq as listen writes it, of
// about pad more bytes of body than shortLine; every seventh has status
// 201.
func followLine(b []byte, seq, pad int) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, int64(seq), 10)
	b = append(b, `,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/","headers":{},"body":"{`...)
	for range pad {
		b = append(b, 'x')
	}
	b = append(b, `}","status":`...)
	if seq%7 == 0 {
		return append(b, "201}\n"...)
	}
	return append(b, "200}\n"...)
}

// follower is an empty record file, opened by a store, that grows by
// append as listen's writer makes it grow.
type follower struct {
	t testing.TB
	f *os.File
	s *inspect.Store
	n int // lines written
	b []byte
}

func newFollower(t testing.TB, o inspect.FileOptions) *follower {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	s, err := inspect.OpenFileWith(path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &follower{t: t, f: f, s: s}
}

// grow appends n lines and has the store index them.
func (fw *follower) grow(n, pad int) {
	fw.write(n, pad)
	fw.refresh()
}

// write appends n lines.
func (fw *follower) write(n, pad int) {
	fw.b = fw.b[:0]
	for range n {
		fw.n++
		fw.b = followLine(fw.b, fw.n, pad)
	}
	if _, err := fw.f.Write(fw.b); err != nil {
		fw.t.Fatal(err)
	}
}

func (fw *follower) refresh() {
	if err := fw.s.Refresh(); err != nil {
		fw.t.Fatal(err)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestFollowKeepsFewBytesPerLine: the heap a followed file's index keeps
// grows by at most 32 bytes a line (no pointer, no copy grown by
// doubling), and every line is still found.
func TestFollowKeepsFewBytesPerLine(t *testing.T) {
	const half = 100_000
	fw := newFollower(t, inspect.FileOptions{})
	for fw.n < half {
		fw.grow(1000, 0)
	}
	h1 := liveHeap()
	for fw.n < 2*half {
		fw.grow(1000, 0)
	}
	h2 := liveHeap()
	runtime.KeepAlive(fw.s)
	per := float64(int64(h2)-int64(h1)) / half
	t.Logf("%.1f bytes per line", per)
	if per > 32 {
		t.Errorf("the index keeps %.1f bytes per line, want at most 32", per)
	}
	if got := fmt.Sprint(seqs(fw.s.List(2, 0, inspect.Filter{}))); got != "[200000 199999]" {
		t.Errorf("newest %s", got)
	}
	if got := fmt.Sprint(seqs(fw.s.List(2, 2, inspect.Filter{}))); got != "[1]" {
		t.Errorf("oldest %s", got)
	}
	if in := fw.s.Info(); in.Records != 2*half || in.Skipped != 0 {
		t.Errorf("info %+v", in)
	}
}

// TestFollowAllocatesNothingPerLine: with no page connected, indexing a
// batch of appended lines allocates the same few times whatever its size.
func TestFollowAllocatesNothingPerLine(t *testing.T) {
	fw := newFollower(t, inspect.FileOptions{})
	fw.grow(8000, 0) // the read buffers
	mallocs := func(n int) uint64 {
		fw.write(n, 0)
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		fw.refresh()
		runtime.ReadMemStats(&b)
		return b.Mallocs - a.Mallocs
	}
	// Mallocs counts the whole process: what another goroutine allocates
	// meanwhile only adds, so the least of a few tries is the refresh's own.
	few, many := mallocs(10), mallocs(8000)
	for range 4 {
		few, many = min(few, mallocs(10)), min(many, mallocs(8000))
	}
	t.Logf("allocations: %d for 10 lines, %d for 8000", few, many)
	// 8000 lines may start two new chunks of the index.
	if many > few+4 {
		t.Errorf("a refresh of 10 lines made %d allocations, of 8000 lines %d", few, many)
	}
}

// TestSummariesHeldAreBounded: listing and filtering over many more lines
// than the summary cache holds lists the right rows, and the heap does not
// keep a summary per line read.
func TestSummariesHeldAreBounded(t *testing.T) {
	const n = 60_000
	noEvents := func([]byte, record.Headers) string { return "" }
	fw := newFollower(t, inspect.FileOptions{Events: noEvents})
	for fw.n < n {
		fw.grow(5000, 0)
	}
	sub := fw.s.Subscribe(inspect.ParseFilter("nothing-matches"))
	defer sub.Close()
	h1 := liveHeap()
	fw.grow(10_000, 0) // announced to the page: every new line read
	if p := fw.s.List(10, 0, inspect.ParseFilter("nothing-matches")); len(p.Deliveries) != 0 {
		t.Fatalf("%d rows match nothing", len(p.Deliveries))
	}
	p := fw.s.List(n, 0, inspect.ParseFilter("status:201"))
	if len(p.Deliveries) != (n+10_000)/7 || p.Next != nil {
		t.Fatalf("status:201: %d rows, next %v", len(p.Deliveries), p.Next)
	}
	for i, d := range p.Deliveries {
		if d.Seq != int64(n+10_000-7*i) || d.Status != 201 || d.Path != "/" {
			t.Fatalf("row %d: %+v", i, d)
		}
	}
	all := fw.s.List(n+10_000, 0, inspect.Filter{})
	if len(all.Deliveries) != n+10_000 || all.Deliveries[n].Seq != 10_000 {
		t.Fatalf("all: %d rows", len(all.Deliveries))
	}
	p, all = inspect.Page{}, inspect.Page{}
	h2 := liveHeap()
	runtime.KeepAlive(fw.s)
	// The index of 10,000 more lines, and at most the cache's few MiB.
	grown := int64(h2) - int64(h1)
	t.Logf("kept %d KiB", grown>>10)
	if grown > 8<<20 {
		t.Errorf("reading %d summaries kept %d KiB", n+10_000, grown>>10)
	}
	if d, err := fw.s.Detail(7); err != nil || !strings.Contains(string(d["status"]), "201") {
		t.Errorf("detail 7: %v %s", err, d["status"])
	}
}

// BenchmarkFollow is what the page costs listen --record per delivery: an
// op is one line of about 1 KiB appended to the file and indexed, in
// batches of 512 as a busy listener's writer flushes them. The file starts
// over every 256 MiB (the store indexes it again from the start).
//
//	go test ./internal/inspect -run '^$' -bench Follow -count 5
func BenchmarkFollow(b *testing.B) {
	const batch, pad, rotate = 512, 800, 256 << 20
	fw := newFollower(b, inspect.FileOptions{})
	b.ReportAllocs()
	b.ResetTimer()
	size := 0
	for left := b.N; left > 0; left -= batch {
		if size > rotate {
			if err := fw.f.Truncate(0); err != nil {
				b.Fatal(err)
			}
			fw.f.Seek(0, 0)
			size = 0
		}
		fw.grow(min(left, batch), pad)
		size += len(fw.b)
	}
	b.StopTimer()
	if in := fw.s.Info(); in.Records == 0 {
		b.Fatal("nothing indexed")
	}
}
