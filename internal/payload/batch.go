package payload

import (
	"iter"
	"runtime"
	"slices"
)

// Input is one payload to check: a name to report it under and a way to
// read it, called on a worker so reading overlaps with validation.
type Input struct {
	Name string
	Read func() ([]byte, error)
}

// FileResult is the outcome for one Input. Err is set when the payload could
// not be checked at all (unreadable, no schema matched, schema broken).
type FileResult struct {
	Name   string
	Result Result
	Err    error
}

// CheckAll is CheckStream over a list.
func (r *Registry) CheckAll(inputs []Input, schema string, workers int, emit func(FileResult)) {
	r.CheckStream(slices.Values(inputs), schema, workers, emit)
}

// Window is how many inputs CheckStream takes ahead of the one it emits
// next, with this many workers: enough to keep every worker busy while one
// slow file holds up the output, and a bound on what is held at once.
func Window(workers int) int {
	return 4*workers + 16
}

// CheckStream checks inputs on up to workers goroutines (0 means one per
// CPU) and calls emit once per input, from the calling goroutine, in the
// order inputs yields them, so output is stable however the work was
// scheduled. Inputs are pulled only as results are emitted: at most
// Window(workers) of them are taken and not yet emitted at any time, so a
// walk of a million files is checked in the memory of a few dozen.
// inputs runs on a goroutine of its own.
func (r *Registry) CheckStream(inputs iter.Seq[Input], schema string, workers int, emit func(FileResult)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		in   Input
		done chan FileResult
	}
	jobs := make(chan job)
	// order holds each taken input's result slot in input order. Beyond
	// what it holds, the emitter waits on one input and the feeder holds
	// one it took: Window in all.
	order := make(chan chan FileResult, Window(workers)-2)
	for range workers {
		go func() {
			for j := range jobs {
				fr := FileResult{Name: j.in.Name}
				raw, err := j.in.Read()
				if err != nil {
					fr.Err = err
				} else {
					fr.Result, fr.Err = r.Check(raw, schema)
				}
				j.done <- fr // buffered: a worker never waits for the emitter
			}
		}()
	}
	go func() {
		defer close(jobs)
		defer close(order)
		for in := range inputs {
			done := make(chan FileResult, 1)
			order <- done
			jobs <- job{in, done}
		}
	}()
	for done := range order {
		emit(<-done)
	}
}
