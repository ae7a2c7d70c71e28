// Package writeback keeps the page cache of a file that is only appended to
// small. listen appends every delivery to its record file, and to stdout
// again when stdout is a file (JSON output): at 20,000 deliveries a second
// that is 300 MB a second of new page cache, which the kernel would hold
// dirty until its writeback timer (30 s by default) and then keep cached.
//
// Once it has appended After bytes (1 GiB: a shorter burst is the page
// cache's to absorb), a File hands the kernel the pages a window or two
// behind the end to write out (sync_file_range, which does not wait for
// the disk) and, once they are Keep further back, tells it they will not
// be read again (posix_fadvise DONTNEED, which drops only clean pages). The
// file's cache past the first After bytes then stays at a few windows, and
// the pages it gives back are the ones the next writes take. That matters
// most where fresh memory is dear: in a virtual machine that returns free
// memory to its host (free page reporting), every new page of cache is a
// fault in the host, and on the machine listen is measured on an append to
// fresh cache cost up to 8 times one to pages just freed (bash .ci/bench;
// see the README's Performance).
//
// Nothing here can lose data: both calls are advice, their failures are
// ignored (the File stops advising after one), and a page still dirty is
// not dropped. On a file that is not regular (a terminal, a pipe, a FIFO),
// and off Linux, a File only writes.
package writeback

import (
	"os"
	"sync"
)

// Options tune a File. The zero value is listen's.
type Options struct {
	// Window is how many bytes are appended between two hand-offs to
	// writeback (default 8 MiB): large enough that the calls cost nothing
	// per delivery, small enough that the pages handed back are reused
	// while they are still warm.
	Window int64
	// Keep is how many bytes behind what was handed to writeback stay
	// cached (default 16 MiB), for a reader following the file (inspect
	// --follow, tail -f): with writeback one or two windows behind the
	// end, the last 24 to 32 MiB by default.
	Keep int64
	// After is how many bytes a File appends before it advises at all
	// (default 1 GiB; negative: none). A burst of a few hundred MB is
	// the page cache's to absorb, and writing it back while it arrives
	// adds latency: in the bench's rounds, advice from the start saved
	// listen CPU on cold memory (72 µs a delivery against 86) but one
	// round in four had a p99 of 21.5 ms, 2.4 times bare's. It is a run
	// that goes on that would fill memory and slow as the cache grows.
	// The first After bytes are left to the kernel's own writeback.
	After int64

	// For tests: wait makes each hand-off wait until the pages are
	// written, so that the drop that follows finds them clean; advised,
	// when set, is called with the offset each round of advice reached;
	// calls, when set, stands in for the two system calls.
	wait    bool
	advised func(to int64)
	calls   *kernel
}

// kernel is the advice a File gives.
type kernel struct {
	writeback func(fd int, off, n int64, wait bool) error
	drop      func(fd int, off, n int64) error
}

var system = kernel{writeback: startWriteback, drop: dropCache}

// File writes to an *os.File and keeps the pages behind the end out of the
// page cache. One goroutine writes at a time; the advice is given on a
// goroutine of its own, so a write never waits for it.
type File struct {
	f      *os.File
	window int64
	off    int64 // where the next write lands, as far as this File knows
	handed int64 // the offset last handed to the advising goroutine

	next chan int64 // to the advising goroutine: advise up to here
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// New returns a File writing to f. It does not own f: Stop ends the advice,
// and closing f stays with the caller.
func New(f *os.File, opts Options) *File {
	w := &File{f: f}
	if opts.Window <= 0 {
		opts.Window = 8 << 20
	}
	if opts.Keep <= 0 {
		opts.Keep = 16 << 20
	}
	switch {
	case opts.After == 0:
		opts.After = 1 << 30
	case opts.After < 0:
		opts.After = 0
	}
	start, ok := appendOffset(f)
	if !ok {
		return w
	}
	// The first hand-off comes once After bytes are appended; advice
	// starts a window before that.
	from := start + max(opts.After-opts.Window, 0)
	w.window, w.off, w.handed = opts.Window, start, from
	w.next = make(chan int64, 1)
	w.quit, w.done = make(chan struct{}), make(chan struct{})
	go w.advise(int(f.Fd()), from, opts)
	return w
}

// Write writes p to the file.
func (w *File) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if w.next == nil {
		return n, err
	}
	w.off += int64(n)
	if w.off-w.handed >= w.window {
		select {
		case w.next <- w.off:
			w.handed = w.off
		default: // still advising on the last window: this one joins the next
		}
	}
	return n, err
}

// Stop ends the advice and waits until it has ended, so that the caller
// may close the file. Writes after Stop still write. Stop may be called
// more than once, and concurrently with Write.
func (w *File) Stop() {
	if w.next == nil {
		return
	}
	w.once.Do(func() { close(w.quit) })
	<-w.done
}

// advise is the File's goroutine. Each round hands to writeback what the
// round before had reached, in whole pages, and drops what is Keep further
// back. Writeback stays a window behind the end because a write to a page
// under writeback can wait for the disk: handing over the end itself, the
// page the next append goes to, held one append to the record 19 ms and
// one to stdout 185 ms (perf trace, under wrk).
func (w *File) advise(fd int, start int64, opts Options) {
	defer close(w.done)
	k := system
	if opts.calls != nil {
		k = *opts.calls
	}
	page := int64(os.Getpagesize())
	written, dropped, reached := start, start, start
	for {
		var to int64
		select {
		case <-w.quit:
			return
		case to = <-w.next:
		}
		end := reached / page * page
		reached = to
		if end > written {
			if k.writeback(fd, written, end-written, opts.wait) != nil {
				return // a file system that refuses: write on without advice
			}
			written = end
		}
		if end := written - opts.Keep; end > dropped {
			if k.drop(fd, dropped, end-dropped) != nil {
				return
			}
			dropped = end
		}
		if opts.advised != nil {
			opts.advised(to)
		}
	}
}
