package inspect

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A record file is followed only while a page streams its rows: with none
// open the store reads nothing of what is appended, and the page's next
// request, or stream, indexes it.
func TestFileStoreFollowsOnlyWhileWatched(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	appendLines := func(k int) {
		for range k {
			n++
			if _, err := f.WriteString(testRingLine(n, 10)); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendLines(1)
	s, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tick := make(chan time.Time)
	go s.Run(ctx, tick)
	// Run has taken in the first tick once the second is received.
	look := func() { tick <- time.Time{}; tick <- time.Time{} }
	indexed := func() int {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.lines.len()
	}

	appendLines(2)
	look()
	if got := indexed(); got != 1 || !s.behind.Load() {
		t.Fatalf("with no page open, %d lines indexed (behind %v), want the 1 of the start", got, s.behind.Load())
	}
	if got := fmt.Sprint(seqs(s.List(10, 0, Filter{}))); got != "[3 2 1]" {
		t.Fatalf("the page's list after the file grew: %s", got)
	}

	// Lines appended before a stream opens reach it.
	appendLines(1)
	look()
	sub := s.Subscribe(Filter{})
	defer sub.Close()
	if row := next(t, sub); row.Seq != 4 {
		t.Fatalf("streamed seq %d, want 4", row.Seq)
	}
	// And with the stream open, Run follows the file.
	appendLines(1)
	look()
	if got := indexed(); got != 5 {
		t.Fatalf("with a page streaming, %d lines indexed, want 5", got)
	}
	if row := next(t, sub); row.Seq != 5 {
		t.Fatalf("streamed seq %d, want 5", row.Seq)
	}
}

func next(t *testing.T, sub *Subscription) Summary {
	t.Helper()
	select {
	case row := <-sub.C:
		return row
	case <-time.After(10 * time.Second):
		t.Fatal("no row streamed")
	}
	return Summary{}
}

func seqs(p Page) []int64 {
	var out []int64
	for _, d := range p.Deliveries {
		out = append(out, d.Seq)
	}
	return out
}
