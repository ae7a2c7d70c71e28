package payload

import (
	"runtime"
	"sync"
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

// CheckAll checks inputs on up to workers goroutines (0 means one per CPU)
// and calls emit once per input, from one goroutine, in the order given, so
// output is stable however the work was scheduled.
func (r *Registry) CheckAll(inputs []Input, schema string, workers int, emit func(FileResult)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(inputs) {
		workers = len(inputs)
	}
	done := make([]chan FileResult, len(inputs))
	for i := range done {
		done[i] = make(chan FileResult, 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				in := inputs[i]
				fr := FileResult{Name: in.Name}
				raw, err := in.Read()
				if err != nil {
					fr.Err = err
				} else {
					fr.Result, fr.Err = r.Check(raw, schema)
				}
				done[i] <- fr
			}
		}()
	}
	go func() {
		for i := range inputs {
			next <- i
		}
		close(next)
	}()
	for i := range inputs {
		emit(<-done[i])
	}
	wg.Wait()
}
