package gctune

import (
	"runtime/debug"
	"testing"
)

// Apply sets what the user left alone, keeps what GOGC and GOMEMLIMIT
// chose, and its restore puts the previous settings back.
func TestApplyLeavesTheUsersChoice(t *testing.T) {
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(limit)

	restore := Apply(func(string) string { return "" }, Settings{Percent: 400, MemoryLimit: 80 << 20})
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("GOGC %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 80<<20 {
		t.Errorf("memory limit %d, want %d", got, 80<<20)
	}
	restore()
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("after restore GOGC %d, want 123", got)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("after restore memory limit %d, want %d", got, limit)
	}

	userSet := func(k string) string {
		if k == "GOGC" || k == "GOMEMLIMIT" {
			return "set"
		}
		return ""
	}
	restore = Apply(userSet, Listen)
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("with GOGC set: GOGC %d, want the user's 123", got)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("with GOMEMLIMIT set: memory limit %d, want %d", got, limit)
	}
	restore()
}
