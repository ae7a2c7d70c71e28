package listener

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unsafe"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Requests that are rejected (bad signature, wrong path) leave no id
// behind, however long their ids; accepted ones leave a fixed-size digest.
func TestRejectedRequestsLeaveNoIDs(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	rw := record.NewWriter(&bytes.Buffer{}, record.Options{})
	defer rw.Close()
	l, err := New(Config{Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, Registry: reg, Records: rw, PathPrefix: "/in"})
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Repeat("x", 200)
	body := `{"id":"` + id + `"}`
	for i, path := range []string{"/in", "/elsewhere", "/webhooks/callback/" + id} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", "1")
		req.Header.Set("webhook-signature", "v1,AAAA")
		w := httptest.NewRecorder()
		l.ServeHTTP(w, req)
		if i < 2 && w.Code/100 == 2 {
			t.Fatalf("%s: status %d, want a rejection", path, w.Code)
		}
	}
	if n := l.seen.len(); n != 0 {
		t.Errorf("%d delivery ids kept from rejected requests", n)
	}
	if n := l.callbacks.len(); n != 1 {
		t.Errorf("%d callback ids kept, want the one accepted", n)
	}
	if unsafe.Sizeof(idDigest{}) != 16 {
		t.Error("a kept id is not a fixed 16 bytes")
	}
}

// The set forgets the oldest digest once full, and a removed digest can be
// added again without disturbing its neighbours.
func TestIDSetRingAndRemove(t *testing.T) {
	t.Parallel()
	s := newIDSet(2)
	a, _ := digestID("a")
	b, _ := digestID("b")
	c, _ := digestID("c")
	if s.add(a) || s.add(b) || !s.add(a) {
		t.Fatal("add a, b, a")
	}
	s.remove(a)
	if s.has(a) || !s.has(b) {
		t.Fatal("remove a")
	}
	s.add(c) // takes a's old slot
	s.add(a) // evicts b
	if s.has(b) || !s.has(c) || !s.has(a) || s.len() != 2 {
		t.Fatalf("ring: has b %v c %v a %v len %d", s.has(b), s.has(c), s.has(a), s.len())
	}
	if _, ok := digestID(strings.Repeat("z", maxTrackedID+1)); ok {
		t.Error("an overlong id is tracked")
	}
}
