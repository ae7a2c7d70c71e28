package sigctx

import (
	"context"
	"testing"
)

// TestQuitWithoutNotify: a context Notify did not make has no second
// signal to claim, and its quit context is never done.
func TestQuitWithoutNotify(t *testing.T) {
	t.Parallel()
	if q := Quit(context.Background()); q.Done() != nil {
		t.Fatal("Quit of a plain context can be done")
	}
}

// TestWithQuit: Quit returns the second signal WithQuit was given.
func TestWithQuit(t *testing.T) {
	t.Parallel()
	second, cancel := context.WithCancel(context.Background())
	q := Quit(WithQuit(context.Background(), second))
	if q.Err() != nil {
		t.Fatal("done before the second signal")
	}
	cancel()
	<-q.Done()
}

// TestStopReleases: after stop, the context is done and the quit context
// too, so nothing waits on a signal that can no longer come.
func TestStopReleases(t *testing.T) {
	t.Parallel()
	ctx, stop := Notify(context.Background())
	q := Quit(ctx)
	stop()
	<-ctx.Done()
	<-q.Done()
}
