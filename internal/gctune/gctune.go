// Package gctune holds the garbage collector settings of the commands that
// run hot, so that process-wide tuning happens in one place. Each delivery
// allocates a few KB that die when it is answered (listen) or sent (send
// --count), over a live heap of a few MB: at the default GOGC=100 that
// means a collection every few hundred deliveries. GOGC=400 collects a
// quarter as often; the listener's soft memory limit keeps a burst of large
// bodies from growing the heap to five times what is live.
package gctune

import (
	"os"
	"runtime/debug"
)

// Settings are a command's GC settings.
type Settings struct {
	Percent     int   // GOGC
	MemoryLimit int64 // GOMEMLIMIT, in bytes; 0 leaves the limit alone
}

// The settings of listen and of send's load mode.
var (
	Listen = Settings{Percent: 400, MemoryLimit: 80 << 20}
	Load   = Settings{Percent: 400}
)

// Apply applies s, except what the user chose with GOGC or GOMEMLIMIT
// (read with getenv; nil: os.Getenv), and returns a function that restores
// the previous settings.
func Apply(getenv func(string) string, s Settings) (restore func()) {
	if getenv == nil {
		getenv = os.Getenv
	}
	prevPercent, prevLimit := -2, int64(-1)
	if getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(s.Percent)
	}
	if s.MemoryLimit > 0 && getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(s.MemoryLimit)
	}
	return func() {
		if prevPercent != -2 {
			debug.SetGCPercent(prevPercent)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
