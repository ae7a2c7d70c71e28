// Package sigctx is the process's handling of Ctrl-C and SIGTERM: the
// first cancels the context every command runs under, so a command stops
// cleanly and reports; after it the default handling is back, and a second
// ends the process at once, unless the command has claimed the second one
// (Quit) to end what it started first.
package sigctx

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// quitKey is the context key of the *quit a command may claim.
type quitKey struct{}

// quit is the second Ctrl-C (or SIGTERM), for a command that has something
// to end before the process does: listen --exec's running commands, each in
// a process group of its own, which the default handling would leave
// running, orphaned.
type quit struct {
	ctx     context.Context // done at the second signal, once claimed
	claimed atomic.Bool
}

// Notify returns parent's child that the first Ctrl-C or SIGTERM cancels.
// Then, unless the command has claimed the second signal (Quit), the
// default handling is back and a second one ends the process at once; when
// it has, the second signal cancels its quit context instead, and a third
// one ends the process at once. stop releases it all.
func Notify(parent context.Context) (ctx context.Context, stop func()) {
	sigs := make(chan os.Signal, 2) // two: a quick second signal is not lost
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	soft, cancelSoft := context.WithCancel(parent)
	hard, cancelHard := context.WithCancel(context.Background())
	q := &quit{ctx: hard}
	done := make(chan struct{})
	go func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancelSoft()
		if !q.claimed.Load() {
			return
		}
		select {
		case <-sigs:
			cancelHard()
		case <-done:
		}
	}()
	stop = func() {
		close(done)
		signal.Stop(sigs)
		cancelSoft()
		cancelHard()
	}
	return context.WithValue(soft, quitKey{}, q), stop
}

// Quit claims the second Ctrl-C of ctx (see Notify): the context it returns
// is done at that signal, and the command must then end at once, having
// ended what it started. Without Notify's handling (a test, a library
// caller) it is never done.
func Quit(ctx context.Context) context.Context {
	q, ok := ctx.Value(quitKey{}).(*quit)
	if !ok {
		return context.Background()
	}
	q.claimed.Store(true)
	return q.ctx
}

// WithQuit returns parent carrying second as its second signal, as Notify's
// context carries the real one: Quit(ctx) returns second. For tests that
// play both signals by cancelling contexts.
func WithQuit(parent, second context.Context) context.Context {
	return context.WithValue(parent, quitKey{}, &quit{ctx: second})
}
