package listener

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// When every port the inspector may take is taken, the run goes on without
// the page, and the record writer's tap feeds no store: a ring nobody
// reads would keep its queue's bytes to the end of the run.
func TestInspectorWithoutAPortKeepsNothing(t *testing.T) {
	t.Parallel()
	// Two ports side by side, both taken: the inspector tries both.
	var first net.Listener
	for first == nil {
		a, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", a.Addr().(*net.TCPAddr).Port+1))
		if err != nil {
			a.Close()
			continue
		}
		defer a.Close()
		defer b.Close()
		first = a
	}
	u := newInspector(&UIConfig{Addr: first.Addr().String(), Tries: 2})
	var r Ready
	if err := u.start(render.NewDiag(nil), "", "http://127.0.0.1:1/", "", nil, &r); err != nil {
		t.Fatal(err)
	}
	defer u.close()
	if !errors.Is(r.UIErr, inspect.ErrNoFreePort) {
		t.Fatalf("UIErr = %v, want no free port", r.UIErr)
	}
	if u.store.Load() != nil {
		t.Error("the store is still fed with no page to read it")
	}
	u.tap()([]byte(`{"seq":1}` + "\n")) // and the tap passes nothing on
}
