package probe

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
)

func TestTamperChangesOneByteAndKeepsTheBodyValid(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range fixture.Names() {
		t.Run(name, func(t *testing.T) {
			raw, _ := fixture.Load(name)
			r, err := fixture.Render(raw, fixture.RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tm := tamper(r.Body)
			if len(tm.body) != len(r.Body) {
				t.Fatalf("length changed: %d -> %d", len(r.Body), len(tm.body))
			}
			diff := 0
			for i := range tm.body {
				if tm.body[i] != r.Body[i] {
					diff++
					if i != tm.offset || r.Body[i] != tm.from || tm.body[i] != tm.to {
						t.Errorf("byte %d changed, report says %d (%q to %q)", i, tm.offset, tm.from, tm.to)
					}
				}
			}
			if diff != 1 {
				t.Fatalf("%d bytes differ, want 1", diff)
			}
			res, err := reg.Check(tm.body, "")
			if err != nil || !res.Valid {
				t.Errorf("tampered body is not valid any more: %v %+v", err, res.Errors)
			}
		})
	}
}

func TestTamperPicksAValueNotAKey(t *testing.T) {
	t.Parallel()
	body := []byte(`{"key": ["", "-x", {"inner": "value"}], "after": "later"}`)
	tm := tamper(body)
	if got := string(tm.body); got != `{"key": ["", "-x", {"inner": "walue"}], "after": "later"}` {
		t.Errorf("got %s", got)
	}
	// A body with no string to change still gets one byte changed.
	tm = tamper([]byte(`[1, 2, 3]`))
	if bytes.Equal(tm.body, []byte(`[1, 2, 3]`)) || len(tm.body) != 9 {
		t.Errorf("got %s", tm.body)
	}
	if got := tamper(nil).body; len(got) != 1 {
		t.Errorf("empty body: got %q", got)
	}
}

func TestRotateStaysInClass(t *testing.T) {
	t.Parallel()
	hex := regexp.MustCompile(`^[0-9a-f]$`)
	for _, c := range []byte("0123456789abcdef") {
		if r := rotate(c); !hex.Match([]byte{r}) || r == c {
			t.Errorf("rotate(%q) = %q", c, r)
		}
	}
	for c, want := range map[byte]byte{'9': '0', 'f': 'a', 'z': 'g', 'Z': 'G', 'A': 'B', ' ': '\t', '-': ' '} {
		if got := rotate(c); got != want {
			t.Errorf("rotate(%q) = %q, want %q", c, got, want)
		}
	}
}

func TestUnknownFieldsAtSeveralDepths(t *testing.T) {
	t.Parallel()
	raw, _ := fixture.Load("permission_assist.access_request_created")
	sets, pointers := unknownFieldSets(raw)
	if len(sets) < 3 || len(sets) != len(pointers) {
		t.Fatalf("sets %v pointers %v", sets, pointers)
	}
	r, err := fixture.Render(raw, fixture.RenderOptions{Sets: sets})
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, ptr := range pointers {
		if _, ok := lookupPointer(doc, ptr); !ok {
			t.Errorf("%s was not added: %s", ptr, r.Body)
		}
		if !strings.HasSuffix(ptr, "/"+unknownField) {
			t.Errorf("pointer %s", ptr)
		}
	}
	// Only additions: the original payload is still valid.
	reg, _ := payload.NewRegistry()
	if res, err := reg.Check(r.Body, ""); err != nil || !res.Valid {
		t.Errorf("with unknown fields the payload is invalid: %v %+v", err, res.Errors)
	}

	// A flat payload gets its new field at the top only, with nesting inside.
	raw, _ = fixture.Load("permit.create_user")
	sets, pointers = unknownFieldSets(raw)
	if len(sets) != 1 || pointers[0] != "/"+unknownField {
		t.Errorf("flat: sets %v pointers %v", sets, pointers)
	}
}

func lookupPointer(v any, ptr string) (any, bool) {
	for _, k := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		switch c := v.(type) {
		case map[string]any:
			x, ok := c[k]
			if !ok {
				return nil, false
			}
			v = x
		case []any:
			if k != "0" || len(c) == 0 {
				return nil, false
			}
			v = c[0]
		default:
			return nil, false
		}
	}
	return v, true
}

func TestNotJSON(t *testing.T) {
	t.Parallel()
	for _, body := range [][]byte{[]byte(`{"a": 1, "b": [1, 2, 3]}`), []byte(`{}`), []byte(`1`), nil} {
		if got := notJSON(body); json.Valid(got) || len(got) == 0 {
			t.Errorf("notJSON(%q) = %q, which parses", body, got)
		}
	}
}

func TestFirstLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300)
	for body, want := range map[string]string{
		"ok":                     "ok",
		"":                       "",
		"line one\nline two":     "line one…",
		long:                     strings.Repeat("x", excerptRunes) + "…",
		"bad \x1b[31mred\x1b[0m": "bad  [31mred [0m",
	} {
		if got := firstLine([]byte(body)); got != want {
			t.Errorf("firstLine(%q) = %q, want %q", body, got, want)
		}
	}
}
