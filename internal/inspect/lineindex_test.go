package inspect

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

func TestSlotIs24Bytes(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(slot{}); n != 24 {
		t.Fatalf("a slot is %d bytes", n)
	}
}

// The index keeps its lines in place across chunks, as a ring drops the
// oldest, a failed scan is cut off, and a head is put in front.
func TestLineIndexAcrossChunks(t *testing.T) {
	t.Parallel()
	var x lineIndex
	const n = 3*chunkLen + 17
	for i := range n {
		x.push(slot{seq: int64(2 * i), off: int64(i)})
	}
	first := x.at(5000)
	for i := range 100 {
		x.push(slot{seq: int64(2 * (n + i))})
	}
	if x.at(5000) != first || first.seq != 10000 {
		t.Fatal("a slot moved as the index grew")
	}
	if i := x.search(10001); i != 5001 {
		t.Fatalf("search(10001) = %d", i)
	}
	for range chunkLen + 3 {
		x.dropFirst()
	}
	if x.len() != n+100-chunkLen-3 || x.at(0).off != chunkLen+3 || len(x.chunks) != 3 {
		t.Fatalf("after drops: len %d, line 0 at %d, %d chunks", x.len(), x.at(0).off, len(x.chunks))
	}
	x.cut(10)
	if x.len() != 10 || len(x.chunks) != 1 || x.at(9).off != chunkLen+12 {
		t.Fatalf("after cut: len %d, %d chunks", x.len(), len(x.chunks))
	}
	var head lineIndex
	head.push(slot{seq: -1})
	head.appendAll(&x)
	if head.len() != 11 || head.at(0).seq != -1 || head.at(10).off != chunkLen+12 {
		t.Fatalf("head: %d lines", head.len())
	}
	for range 10 {
		x.dropFirst()
	}
	x.push(slot{seq: 7})
	if x.len() != 1 || x.at(0).seq != 7 {
		t.Fatalf("emptied and pushed: %d lines", x.len())
	}
}

// The cache holds the newest lines read within its budget of bytes.
func TestSummariesCacheBounds(t *testing.T) {
	t.Parallel()
	c := newSummaries(DefaultSummaryBytes)
	most := DefaultSummaryBytes / minSummary
	for abs := range 3 * most {
		c.put(abs, &line{Summary: Summary{Seq: int64(abs)}})
		if c.len() > most || c.bytes > DefaultSummaryBytes {
			t.Fatalf("%d cached, %d bytes", c.len(), c.bytes)
		}
	}
	if c.get(3*most-1) == nil || c.get(2*most-1) != nil {
		t.Fatal("not the newest cached")
	}
	for abs := 2 * most; abs > 0; abs-- { // older than all those kept
		c.put(abs, &line{})
	}
	if c.get(2*most) == nil || c.get(2*most-1) != nil {
		t.Fatal("an older line took the place of a newer")
	}
	for abs := range 3 * most {
		c.drop(abs)
	}
	if c.len() != 0 || c.bytes != 0 {
		t.Fatalf("all dropped: %d cached, %d bytes", c.len(), c.bytes)
	}

	c = newSummaries(DefaultSummaryBytes)
	big := make([]byte, DefaultSummaryBytes/8)
	for abs := range 20 {
		c.put(abs, &line{Summary: Summary{Path: string(big)}})
		if c.bytes > DefaultSummaryBytes {
			t.Fatalf("%d bytes cached", c.bytes)
		}
	}
	c.put(100, &line{Summary: Summary{Path: string(make([]byte, DefaultSummaryBytes))}})
	if c.get(100) != nil || c.get(19) == nil || c.get(12) != nil {
		t.Fatal("a summary over the budget was cached, or the newest let go")
	}
}

// A ring larger than the cache: callbacks stay linked to their deliveries
// while their summaries come and go from the cache, and are let go with
// their lines.
func TestRingLinksOutliveTheCache(t *testing.T) {
	t.Parallel()
	const ring = 2 * DefaultSummaryBytes / minSummary
	s := NewMemoryWith(ring, 1<<30, func([]byte, record.Headers) string { return "" })
	var b []byte
	for seq := 1; seq <= 3*ring; seq++ {
		if seq%2 == 0 {
			b = fmt.Appendf(b, `{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/webhooks/callback/d%d","headers":{},"body":"ok","status":200,"kind":"callback","callback_for":"d%d"}`+"\n", seq, seq-1, seq-1)
		} else {
			b = fmt.Appendf(b, `{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/","headers":{},"body":"{}","status":200,"delivery_id":"d%d"}`+"\n", seq, seq)
		}
		if seq%1000 == 0 {
			s.Feed(b)
			b = b[:0]
		}
	}
	s.Feed(b)
	if s.lines.len() != ring || len(s.raws) != ring || len(s.callbacks) != ring/2 || s.cache.bytes > DefaultSummaryBytes {
		t.Fatalf("%d lines, %d raws, %d callbacks linked, %d cached", s.lines.len(), len(s.raws), len(s.callbacks), s.cache.len())
	}
	p := s.List(ring, 0, ParseFilter("is:delivery"))
	if len(p.Deliveries) != ring/2 || p.Deliveries[0].Callbacks != 1 || p.Deliveries[ring/2-1].Seq != int64(2*ring+1) {
		t.Fatalf("%d deliveries, newest %+v", len(p.Deliveries), p.Deliveries[0])
	}
	if s.cache.bytes > DefaultSummaryBytes || s.cache.len() >= ring/2 {
		t.Fatalf("%d cached, %d bytes", s.cache.len(), s.cache.bytes)
	}
}

// A file store lists and filters more lines than its cache holds, and
// holds no more than the cache's bound of summaries.
func TestFileListsMoreThanItCaches(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	var b []byte
	const n = 3 * DefaultSummaryBytes / minSummary
	for seq := 1; seq <= n; seq++ {
		b = fmt.Appendf(b, `{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/p%d","headers":{},"body":"{}","status":200}`+"\n", seq, seq%5)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenFileWith(path, FileOptions{Events: func([]byte, record.Headers) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var want []int64
	for seq := n; seq > 0; seq-- {
		if seq%5 == 3 {
			want = append(want, int64(seq))
		}
	}
	for range 2 {
		p := s.List(n, 0, ParseFilter("/p3"))
		if got := fmt.Sprint(seqsOf(p)); got != fmt.Sprint(want) {
			t.Fatalf("rows %.80s..., want %.80s...", got, fmt.Sprint(want))
		}
		if s.cache.bytes > DefaultSummaryBytes || s.cache.len() >= n/2 {
			t.Fatalf("%d summaries cached, %d bytes", s.cache.len(), s.cache.bytes)
		}
	}
}

func seqsOf(p Page) []int64 {
	var out []int64
	for _, d := range p.Deliveries {
		out = append(out, d.Seq)
	}
	return out
}
