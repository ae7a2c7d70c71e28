package cli

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// quitKey is the context key of the *quit a command may take over.
type quitKey struct{}

// quit is the second Ctrl-C (or SIGTERM), for a command that has something
// to end before the process does: listen --exec's running commands, each in
// a process group of its own, which the default handling would leave
// running, orphaned.
type quit struct {
	ctx     context.Context // done at the second signal, once claimed
	claimed atomic.Bool
}

// notifySignals returns parent's child that the first Ctrl-C or SIGTERM
// cancels. Then, unless the command has claimed the second signal
// (quitContext), the default handling is back and a second one ends the
// process at once; when it has, the second signal cancels its quit context
// instead, and a third one ends the process at once. stop releases it all.
func notifySignals(parent context.Context) (context.Context, func()) {
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
	stop := func() {
		close(done)
		signal.Stop(sigs)
		cancelSoft()
		cancelHard()
	}
	return context.WithValue(soft, quitKey{}, q), stop
}

// quitContext claims the second Ctrl-C of ctx (see notifySignals): the
// context it returns is done at that signal, and the command must then end
// at once, having ended what it started. Without Main's signal handling
// (Run, tests) it is never done.
func quitContext(ctx context.Context) context.Context {
	q, ok := ctx.Value(quitKey{}).(*quit)
	if !ok {
		return context.Background()
	}
	q.claimed.Store(true)
	return q.ctx
}
