package payload

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// CheckStream takes inputs only as it emits results: however many there
// are, at most Window(workers) are taken and not yet emitted at once, and
// the results come in the order the inputs did.
func TestCheckStreamHoldsAWindow(t *testing.T) {
	t.Parallel()
	reg := mustRegistry(t)
	valid := fixture(t, "permit.create_user")
	const n = 10000
	for _, workers := range []int{1, 4} {
		var taken, emitted, most atomic.Int64
		inputs := func(yield func(Input) bool) {
			for i := range n {
				held := taken.Add(1) - emitted.Load()
				if held > most.Load() {
					most.Store(held)
				}
				body := valid
				if i%7 == 0 {
					body = []byte(`{"type":"create_user"}`)
				}
				if !yield(Input{Name: fmt.Sprint(i), Read: func() ([]byte, error) { return body, nil }}) {
					return
				}
			}
		}
		next := 0
		reg.CheckStream(inputs, "", workers, func(fr FileResult) {
			emitted.Add(1)
			if fr.Name != fmt.Sprint(next) || fr.Result.Valid == (next%7 == 0) {
				t.Fatalf("result %d is %s (valid %v)", next, fr.Name, fr.Result.Valid)
			}
			next++
		})
		if next != n {
			t.Fatalf("%d workers: emitted %d of %d", workers, next, n)
		}
		if m := most.Load(); m > int64(Window(workers)) {
			t.Errorf("%d workers: %d inputs held at once, want at most %d", workers, m, Window(workers))
		}
	}
}
