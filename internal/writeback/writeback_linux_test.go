package writeback

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cached is how many bytes of the file at path are in the page cache.
func cached(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	page := int64(os.Getpagesize())
	vec := make([]byte, (st.Size()+page-1)/page)
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Fatal(errno)
	}
	var n int64
	for _, v := range vec {
		n += int64(v & 1)
	}
	return n * page
}

const mib = 1 << 20

// appendRounds appends chunk to w times times and, after each write that
// handed a round to the advising goroutine, waits for that round; it
// returns the offsets the rounds reached.
func appendRounds(t *testing.T, w *File, chunk []byte, times int, rounds <-chan int64) []int64 {
	t.Helper()
	var reached []int64
	for range times {
		before := w.handed
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
		if w.handed != before {
			reached = append(reached, <-rounds)
		}
	}
	return reached
}

type span struct{ off, n int64 }

// standIn records the advice a File gives instead of giving it.
type standIn struct {
	writebacks, drops []span
}

func (s *standIn) kernel() *kernel {
	return &kernel{
		writeback: func(_ int, off, n int64, _ bool) error { s.writebacks = append(s.writebacks, span{off, n}); return nil },
		drop:      func(_ int, off, n int64) error { s.drops = append(s.drops, span{off, n}); return nil },
	}
}

// newTestFile is a new file in a test directory, closed when the test ends.
func newTestFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestFileKeepsOnlyTheTailCached(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, opts *Options) string {
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if opts == nil { // the control: a plain write
			if _, err := f.Write(bytes.Repeat([]byte{'x'}, 48*mib)); err != nil {
				t.Fatal(err)
			}
			return path
		}
		rounds := make(chan int64, 1)
		opts.advised = func(to int64) { rounds <- to }
		w := New(f, *opts)
		appendRounds(t, w, bytes.Repeat([]byte("0123456789abcdef"), mib/16), 48, rounds)
		w.Stop()
		return path
	}
	plain := write("plain", nil)
	if got := cached(t, plain); got < 40*mib {
		t.Fatalf("a plain 48 MiB write left %d MiB cached; this machine drops cache on its own, so the test cannot tell", got/mib)
	}
	advised := write("advised", &Options{Window: mib, Keep: 4 * mib, After: -1, wait: true})
	// Everything up to Keep behind the last hand-off is dropped.
	if got := cached(t, advised); got > 6*mib {
		t.Errorf("48 MiB written with a 4 MiB keep left %d MiB cached, want at most 6", got/mib)
	}
	if st, _ := os.Stat(advised); st.Size() != 48*mib {
		t.Errorf("the advised file holds %d bytes, want %d", st.Size(), 48*mib)
	}
}

func TestFileAdvisesFromTheEndOfAnAppendedFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec")
	if err := os.WriteFile(path, bytes.Repeat([]byte{'o'}, 8*mib), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rounds := make(chan int64, 1)
	w := New(f, Options{Window: mib, Keep: mib, After: -1, advised: func(to int64) { rounds <- to }})
	got := appendRounds(t, w, bytes.Repeat([]byte{'n'}, mib), 2, rounds)
	w.Stop()
	if len(got) != 2 || got[0] != 9*mib || got[1] != 10*mib {
		t.Errorf("advice reached %v, want [%d %d]: the offsets count from the file's end", got, 9*mib, 10*mib)
	}
}

func TestFileOnAPipeOnlyWrites(t *testing.T) {
	t.Parallel()
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer wr.Close()
	w := New(wr, Options{Window: 1})
	if w.next != nil {
		t.Fatal("a pipe was given advice")
	}
	if n, err := w.Write([]byte("line\n")); n != 5 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	buf := make([]byte, 5)
	if _, err := r.Read(buf); err != nil || string(buf) != "line\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	w.Stop() // a no-op, and it returns
}

func TestFileStopWhileWriting(t *testing.T) {
	t.Parallel()
	f := newTestFile(t)
	w := New(f, Options{Window: 4096, Keep: 4096})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		line := bytes.Repeat([]byte{'l'}, 1000)
		for range 2000 {
			w.Write(line)
		}
	}()
	w.Stop()
	w.Stop()
	wg.Wait()
	if st, _ := f.Stat(); st.Size() != 2000*1000 {
		t.Errorf("the file holds %d bytes, want %d: writes after Stop still write", st.Size(), 2000*1000)
	}
}

// TestFileLeavesTheEndAlone checks each round's advice: writeback takes
// whole pages up to where the round before reached, never the page the
// next append goes to, and the drop stays Keep behind it.
func TestFileLeavesTheEndAlone(t *testing.T) {
	t.Parallel()
	var k standIn
	rounds := make(chan int64, 1)
	const window, keep = 10000, 20000
	w := New(newTestFile(t), Options{Window: window, Keep: keep, After: -1, calls: k.kernel(), advised: func(to int64) { rounds <- to }})
	reached := appendRounds(t, w, bytes.Repeat([]byte{'r'}, 3001), 40, rounds) // never page-aligned
	w.Stop()
	page := int64(os.Getpagesize())
	var written int64
	for i, s := range k.writebacks {
		if s.off != written {
			t.Errorf("writeback %d starts at %d, want %d (where the last one ended)", i, s.off, written)
		}
		written = s.off + s.n
		if written%page != 0 {
			t.Errorf("writeback %d ends at %d, inside a page", i, written)
		}
	}
	// The last round hands over up to where the one before it reached,
	// not its own offset: the end of the file stays out of writeback.
	if n := len(reached); n < 3 || written != reached[n-2]/page*page {
		t.Fatalf("writeback reached %d; rounds reached %v: want the second-to-last, in whole pages", written, reached)
	}
	if end := k.drops[len(k.drops)-1]; end.off+end.n != written-keep {
		t.Errorf("the drop ends at %d, want %d (Keep behind the writeback)", end.off+end.n, written-keep)
	}
}

// TestFileAdvisesOnlyAfterItsFirstBytes: a burst smaller than After gets
// no advice at all; past it, advice starts a window before After.
func TestFileAdvisesOnlyAfterItsFirstBytes(t *testing.T) {
	t.Parallel()
	var k standIn
	rounds := make(chan int64, 1)
	w := New(newTestFile(t), Options{Window: mib, Keep: mib, After: 8 * mib, calls: k.kernel(), advised: func(to int64) { rounds <- to }})
	reached := appendRounds(t, w, bytes.Repeat([]byte{'a'}, mib), 16, rounds)
	w.Stop()
	if len(reached) == 0 || reached[0] != 8*mib {
		t.Fatalf("rounds reached %v, want the first at %d (After)", reached, 8*mib)
	}
	if wb := k.writebacks; len(wb) == 0 || wb[0].off != 7*mib {
		t.Fatalf("writeback %v, want it to start at %d (a window before After)", wb, 7*mib)
	}
}
