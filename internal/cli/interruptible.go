package cli

import "context"

// interruptible runs f and returns its result, or ctx's error as soon as
// ctx is done (Ctrl-C, SIGTERM) if that comes first. It is for the work a
// command does before it starts, which nothing else lets a signal stop:
// reading a FIFO that never ends, parsing and checking a large file. f
// then goes on in the background until it returns (the process is about
// to exit), so it must not write output or hold what the command cleans
// up; f should also give up soon once ctx is done, when it can.
func interruptible[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
