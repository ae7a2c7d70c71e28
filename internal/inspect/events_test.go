package inspect

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// allHeaders is how RegistryEvents read the event before it copied only
// the event headers: every header into the http.Header.
func allHeaders(reg *payload.Registry) EventReader {
	return func(body []byte, h record.Headers) string {
		var hh http.Header
		if len(h) > 0 {
			hh = make(http.Header, len(h))
			for k, v := range h {
				hh.Set(k, v)
			}
		}
		f, _ := reg.Peek(body, hh)
		return f.Event
	}
}

// hubRegistry has a profile whose event header narrows detection: the
// header decides which schema's event field is read.
func hubRegistry(t *testing.T) *payload.Registry {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"hub.yaml":               "name: hub\nschemas: ./s\nevent-header: X-Hub-Event\nfields: {event: /action, id: /delivery}\n",
		"s/issues/edited.json":   `{"type":"object","required":["issue"],"properties":{"action":{"const":"edited"}}}`,
		"s/pulls/edited.json":    `{"type":"object","required":["pull"],"properties":{"action":{"const":"edited"}}}`,
		"s/issues/reopened.json": `{"type":"object","properties":{"action":{"const":"reopened"}}}`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := profile.LoadAll([]string{filepath.Join(dir, "hub.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := payload.Open(ps)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// RegistryEvents reads the event as it did when it copied every header.
func TestRegistryEventsAsWithAllHeaders(t *testing.T) {
	t.Parallel()
	bundled, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"action":"edited","issue":{},"pull":{}}`)
	headers := []record.Headers{nil, {}, {"Content-Type": "application/json"},
		{"X-Hub-Event": "issues"}, {"x-hub-event": "pulls", "Content-Type": "application/json"},
		{"X-HUB-EVENT": "ISSUES"}, {"X-Hub-Event": "stars"}, {"X-Hub-Event ": "issues"}, {"X-Hub-Event": ""}}
	hub := hubRegistry(t)
	narrowed := false
	for _, reg := range []*payload.Registry{hub, bundled} {
		got, want := RegistryEvents(reg), allHeaders(reg)
		for _, b := range [][]byte{body, typicalLine(t), []byte(`{}`), []byte(`not json`)} {
			for _, h := range headers {
				g, w := got(b, h), want(b, h)
				if g != w {
					t.Errorf("%s with %v: event %q, with every header %q", b, h, g, w)
				}
				narrowed = narrowed || g != got(b, nil)
			}
		}
	}
	if !narrowed {
		t.Error("no event header changed an event: the test reads nothing")
	}
}

// Only the profiles' event headers are copied, and none when no profile
// has one.
func TestEventHeadersCopied(t *testing.T) {
	t.Parallel()
	h := record.Headers{"x-hub-event": "pulls", "Content-Type": "application/json", "X-Other": "x"}
	got := eventHeaders(hubRegistry(t)).of(h)
	if want := (http.Header{"X-Hub-Event": {"pulls"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("hub: %v, want %v", got, want)
	}
	bundled, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if got := eventHeaders(bundled).of(h); got != nil {
		t.Errorf("bundled profiles: %v, want none", got)
	}
}
