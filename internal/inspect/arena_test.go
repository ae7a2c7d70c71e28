package inspect

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ringLine is a record line of seq whose body is pad bytes that name it,
// so that a line overwritten by another shows.
func ringLine(seq, pad int) string {
	name := fmt.Sprintf("<%d>", seq)
	body := strings.Repeat(name, pad/len(name)+1)[:pad]
	return fmt.Sprintf(`{"seq":%d,"received_at":"2026-12-07T12:00:00Z","method":"POST","path":"/","headers":{},"body":%q,"status":200}`+"\n", seq, body)
}

// A ring fed by Tap keeps its lines in arena chunks that are used again
// once the ring has let go of them: every line it holds reads as it was
// tapped, long after the first chunks were reused.
func TestRingReusesItsMemory(t *testing.T) {
	t.Parallel()
	// The ring holds several chunks' worth of lines: a chunk reused
	// while one of them is still held would overwrite it.
	const keep, pad = 600, 6000
	s := NewMemory(keep, 64<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, nil)
	var batch []byte
	seq := 0
	tapBatch := func(n int) {
		batch = batch[:0]
		for range n {
			seq++
			batch = append(batch, ringLine(seq, pad)...)
		}
		s.Tap(batch)
		for s.queued.Load() > 0 { // Run has fed it
			time.Sleep(time.Millisecond)
		}
	}
	// checkRing fails when a line the ring holds no longer reads as it
	// was tapped.
	checkRing := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, raw := range s.raws {
			if want := ringLine(seq-len(s.raws)+1+i, pad); string(raw)+"\n" != want {
				t.Fatalf("after %d lines, line %d of the ring was overwritten: %.60q...", seq, i, raw)
			}
		}
	}
	// Many times the arena's size in lines, in batches of 1 to 7 lines.
	for i := 0; seq < 20*arenaChunkSize/pad; i++ {
		tapBatch(1 + i%7)
		if i%16 == 0 {
			checkRing()
		}
	}
	s.mu.Lock()
	if got := len(s.raws); got != keep {
		t.Errorf("the ring holds %d lines, want %d", got, keep)
	}
	spare := len(s.arena.spare)
	s.mu.Unlock()
	if spare == 0 {
		t.Error("no chunk was given back for reuse")
	}
	if got := fmt.Sprint(seqs(s.List(3, 0, Filter{}))); got != fmt.Sprint([]int64{int64(seq), int64(seq - 1), int64(seq - 2)}) {
		t.Errorf("the page lists %s", got)
	}
}

// Tap's copy of a batch into a reused chunk allocates nothing (not
// parallel: AllocsPerRun counts the whole process's allocations). Each
// batch is over half a chunk, so each needs a chunk of its own.
func TestRingTapAllocatesNothing(t *testing.T) {
	s2 := NewMemory(50, 64<<20)
	line := []byte(ringLine(1, arenaChunkSize/2))
	allocs := testing.AllocsPerRun(2000, func() {
		s2.Tap(line)
		t := <-s2.queue
		s2.queued.Add(-int64(len(t.b)))
		s2.arena.release(t.c)
	})
	if allocs >= 1 {
		t.Errorf("Tap allocates %.1f times a batch, want none once the arena is warm", allocs)
	}
}
