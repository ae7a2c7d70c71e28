// Package gctune holds the garbage collector settings of the commands that
// run hot, so that process-wide tuning happens in one place. Each delivery
// allocates a few KB that die when it is answered (listen) or sent (send
// --count), over a live heap of a few MB: at the default GOGC=100 that
// means a collection every few hundred deliveries. GOGC=400 collects a
// quarter as often. The listener's soft memory limit is what bounds its
// size: its live heap under load is a few MB (the bodies in flight, the
// inspector's index), so without a limit GOGC=400 lets the heap grow to
// five times that and more, and with 80 MiB as the limit (until this
// round) listen sat at 80 MB of RSS under wrk. At 36 MiB it stays under
// 50 MB at the same CPU per delivery (the collector runs when the heap
// reaches the limit, which at a few MB live is still rarely); a burst of
// large bodies above the limit makes the collector work harder, within the
// runtime's own cap on its CPU share, rather than the heap grow unchecked.
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
	Listen = Settings{Percent: 400, MemoryLimit: 36 << 20}
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
