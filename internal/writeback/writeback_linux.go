package writeback

import (
	"os"

	"golang.org/x/sys/unix"
)

// appendOffset is where f's next write lands, when f is a regular file.
func appendOffset(f *os.File) (int64, bool) {
	// Stat first: Fd would put a pollable descriptor (a pipe, a terminal)
	// in blocking mode; a regular file is never polled.
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	fd := int(f.Fd())
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return 0, false
	}
	if flags&unix.O_APPEND != 0 {
		return st.Size(), true // appends land at the end, wherever the offset is
	}
	off, err := unix.Seek(fd, 0, 1) // SEEK_CUR
	if err != nil {
		return 0, false
	}
	return off, true
}

// startWriteback has the kernel start writing [off, off+n) to disk; with
// wait, it returns once the pages are written.
func startWriteback(fd int, off, n int64, wait bool) error {
	flags := unix.SYNC_FILE_RANGE_WRITE
	if wait {
		flags |= unix.SYNC_FILE_RANGE_WAIT_BEFORE | unix.SYNC_FILE_RANGE_WAIT_AFTER
	}
	return unix.SyncFileRange(fd, off, n, flags)
}

// dropCache tells the kernel [off, off+n) will not be read again: it drops
// the clean pages.
func dropCache(fd int, off, n int64) error {
	return unix.Fadvise(fd, off, n, unix.FADV_DONTNEED)
}
