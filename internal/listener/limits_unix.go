//go:build unix

package listener

import "syscall"

// fdLimit is the process's soft limit on open descriptors.
func fdLimit() (int64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 0, false
	}
	return int64(r.Cur), true
}
