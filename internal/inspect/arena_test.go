package inspect

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testRingLine is a record line of seq whose body is pad bytes that name it,
// so that a line overwritten by another shows.
func testRingLine(seq, pad int) string {
	name := fmt.Sprintf("<%d>", seq)
	body := strings.Repeat(name, pad/len(name)+1)[:pad]
	return fmt.Sprintf(`{"seq":%d,"received_at":"2026-12-07T12:00:00Z","method":"POST","path":"/","headers":{},"body":%q,"status":200}`+"\n", seq, body)
}

// tapFed taps batch into s and waits until s's Run has taken it, failing
// after 10 s (a Run that stopped taking batches).
func tapFed(t *testing.T, s *Store, batch []byte) {
	t.Helper()
	s.Tap(batch)
	for deadline := time.Now().Add(10 * time.Second); s.queued.Load() > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("Run did not take a tapped batch within 10 s (%d bytes queued)", s.queued.Load())
		}
		time.Sleep(time.Millisecond)
	}
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
			batch = append(batch, testRingLine(seq, pad)...)
		}
		tapFed(t, s, batch)
	}
	// checkRing fails when a line the ring holds no longer reads as it
	// was tapped.
	checkRing := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, raw := range s.raws {
			if want := testRingLine(seq-len(s.raws)+1+i, pad); string(raw.b)+"\n" != want {
				t.Fatalf("after %d lines, line %d of the ring was overwritten: %.60q...", seq, i, raw.b)
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
// parallel: AllocsPerRun counts the whole process's allocations). Each run
// taps a chunk's worth of batches, so each needs a chunk.
func TestRingTapAllocatesNothing(t *testing.T) {
	s := NewMemory(50, 64<<20)
	line := []byte(testRingLine(1, arenaChunkSize/4-200))
	allocs := testing.AllocsPerRun(500, func() {
		for range 4 {
			s.Tap(line)
			t := <-s.queue
			s.queued.Add(-int64(len(t.b)))
			s.arena.release(t.c)
		}
	})
	if allocs != 0 {
		t.Errorf("Tap allocates %.1f times a chunk's worth of batches, want none once the arena is warm", allocs)
	}
}

// The ring's bound counts the arena's chunks, not only its lines: lines
// of over half a chunk (each in a chunk of its own), lines of just over a
// fifth (four to a chunk, which then holds a fifth it cannot use) and small
// lines are all dropped so that what the chunks hold stays within
// maxBytes.
func TestRingBoundsItsChunks(t *testing.T) {
	t.Parallel()
	for _, pad := range []int{arenaChunkSize/2 + 1000, arenaChunkSize/5 + 100, 6000} {
		const maxBytes = 8 << 20
		s := NewMemory(1000, maxBytes)
		ctx, cancel := context.WithCancel(context.Background())
		go s.Run(ctx, nil)
		for seq := 1; seq <= 3*maxBytes/pad+20; seq++ {
			tapFed(t, s, []byte(testRingLine(seq, pad)))
		}
		cancel()
		s.mu.Lock()
		held, lines := s.arena.held(), len(s.raws)
		s.mu.Unlock()
		if held > maxBytes+arenaChunkSize || lines == 0 {
			t.Errorf("lines of %d bytes: the ring's chunks hold %d bytes for %d lines, bound %d", pad, held, lines, maxBytes)
		}
	}
}

// A batch Tap cannot queue is not copied: a flood the page cannot keep up
// with pins no chunk. Here Run takes one batch in 31 and the ring keeps
// it; the lost ones must not hold chunk space between the kept ones.
func TestRingLostBatchesHoldNoChunk(t *testing.T) {
	t.Parallel()
	s := NewMemory(1000, 64<<20) // no Run: the test takes from the queue
	line := []byte(testRingLine(1, 6000))
	for range cap(s.queue) {
		s.Tap(line)
	}
	var kept []chunked // as the ring would keep them
	for range 200 {
		kept = append(kept, <-s.queue)
		for range 31 {
			s.Tap(line) // one queued, thirty lost
		}
	}
	held, max := s.arena.held(), int64((cap(s.queue)+len(kept))*len(line)+2*arenaChunkSize)
	if held > max {
		t.Errorf("after a flood, %d bytes of chunks held for %d batches queued or kept (at most %d)", held, cap(s.queue)+len(kept), max)
	}
	if in := s.Info(); in.Lost != 200*30 {
		t.Errorf("lost %d lines, want %d", in.Lost, 200*30)
	}
}

// A ring bounded below one chunk keeps what fits its bound: the chunk
// Tap copies into is there whatever the ring holds, and dropping lines
// could not give it back.
func TestRingUnderOneChunkKeepsItsLines(t *testing.T) {
	t.Parallel()
	s := NewMemory(100, arenaChunkSize/2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, nil)
	for seq := 1; seq <= 2; seq++ {
		tapFed(t, s, []byte(testRingLine(seq, 100)))
	}
	s.Feed([]byte(testRingLine(3, 100)))
	if got := s.Info().Records; got != 3 {
		t.Errorf("a ring bounded at %d bytes holds %d of 3 small lines", arenaChunkSize/2, got)
	}
}
