package cli

import (
	"runtime/debug"
)

// The garbage collector settings of the commands that run hot, kept here so
// process-wide tuning happens in one place. Each delivery allocates a few
// KB that die when it is answered (listen) or sent (send --count), over a
// live heap of a few MB: at the default GOGC=100 that means a collection
// every few hundred deliveries. GOGC=400 collects a quarter as often; the
// listener's soft memory limit keeps a burst of large bodies from growing
// the heap to five times what is live.
type gcTuning struct {
	percent     int
	memoryLimit int64 // 0 leaves the limit alone
}

var (
	listenGC = gcTuning{percent: 400, memoryLimit: 80 << 20}
	loadGC   = gcTuning{percent: 400}
)

// tuneGC applies t, except what the user chose with GOGC or GOMEMLIMIT,
// and returns a function that restores the previous settings.
func tuneGC(getenv func(string) string, t gcTuning) (restore func()) {
	prevPercent, prevLimit := -2, int64(-1)
	if getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(t.percent)
	}
	if t.memoryLimit > 0 && getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(t.memoryLimit)
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
