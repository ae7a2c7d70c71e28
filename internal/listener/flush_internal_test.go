package listener

import (
	"testing"
	"time"
)

// The wait for stdout at exit: what is left of the drain limit, at most
// outFlushLimit, and never so short that the lines queued just before the
// limit (the killed commands' runs) are dropped unwritten.
func TestFlushLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ left, want time.Duration }{
		{time.Hour, outFlushLimit},
		{time.Second, time.Second},
		{0, outFlushFloor},
		{-time.Second, outFlushFloor},
	} {
		if got := flushLimit(tc.left); got != tc.want {
			t.Errorf("flushLimit(%s) = %s, want %s", tc.left, got, tc.want)
		}
	}
}
