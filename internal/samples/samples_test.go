package samples

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func names(srcs []Source) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return out
}

func TestExpand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := write(t, dir, "d/b.json", "{}")
	a := write(t, dir, "d/sub/a.ndjson", "")
	c := write(t, dir, "d/c.JSONL", "")
	write(t, dir, "d/notes.txt", "")
	x := write(t, dir, "x.json", "{}")

	got, err := Expand([]string{"-", filepath.Join(dir, "d"), filepath.Join(dir, "*.json"), "missing.json"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{StdinName, b, c, a, x, "missing.json"}
	if !reflect.DeepEqual(names(got), want) {
		t.Errorf("got %v, want %v", names(got), want)
	}
	if !got[0].Stdin() || got[1].Stdin() {
		t.Error("only - is standard input")
	}
	for _, bad := range [][]string{{"-", "-"}, {filepath.Join(dir, "*.yaml")}, {"[x"}, {filepath.Join(dir, "d", "sub", "..", "..")}} {
		if bad[0] == filepath.Join(dir, "d", "sub", "..", "..") {
			empty := t.TempDir()
			bad = []string{empty}
		}
		if _, err := Expand(bad); err == nil {
			t.Errorf("Expand(%q): no error", bad)
		}
	}
}

// collect reads srcs and returns the samples as "where:body", in index
// order, and the stats.
func collect(t *testing.T, o Options, srcs ...Source) ([]string, Stats, error) {
	t.Helper()
	var mu sync.Mutex
	type got struct {
		index int64
		s     string
	}
	var all []got
	st, err := Read(context.Background(), srcs, o, func(_ int, s *Sample) error {
		mu.Lock()
		defer mu.Unlock()
		all = append(all, got{s.Index, s.Where() + ":" + string(s.Body)})
		return nil
	})
	sort.Slice(all, func(i, j int) bool { return all[i].index < all[j].index })
	var out []string
	for _, g := range all {
		out = append(out, g.s)
	}
	return out, st, err
}

const recordText = `{"seq":1,"received_at":"2026-01-01T10:00:00Z","method":"POST","path":"/","headers":{},"body":"{\"a\":1}","schema":{"name":"x","valid":true,"errors":[]},"status":200}
{"seq":2,"received_at":"2026-01-01T10:00:01Z","method":"POST","path":"/webhooks/callback/1","headers":{},"body":"done","status":200,"kind":"callback"}
{"seq":3,"kind":"exec","delivery_seq":1,"exit_code":0}
{"seq":4,"received_at":"2026-01-01T10:00:02Z","method":"POST","path":"/","headers":{},"body":"{\"a\":1}","schema":{"name":"x","valid":true,"errors":[]},"status":200,"duplicate":true}
{"seq":5,"received_at":"2026-01-01T10:00:03Z","method":"POST","path":"/","headers":{},"body":"","status":413,"error":"body over --max-body"}
{"seq":6,"received_at":"2026-01-01T12:00:00Z","method":"POST","path":"/","headers":{},"body":"/w==","body_encoding":"base64","schema":{"name":"","valid":false,"errors":[]},"status":200}
{"seq":7,"received_at":"2026-01-01T12:
{"seq":8,"received_at":"2026-01-01T12:00:09Z","method":"POST","path":"/","headers":{},"body":"{\"b\":2}","schema":{"name":"y","valid":true,"errors":[]},"status":200}
`

func TestReadRecords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := write(t, dir, "rec.ndjson", recordText)
	got, st, err := collect(t, Options{Workers: 3}, Source{Name: rec})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{rec + " seq 1:{\"a\":1}", rec + " seq 6:\xff", rec + " seq 8:{\"b\":2}"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("samples %q, want %q", got, want)
	}
	wantSt := Stats{Deliveries: 3, Callbacks: 1, Execs: 1, Duplicates: 1, Refused: 1, NotRecords: 1}
	if st != wantSt {
		t.Errorf("stats %+v, want %+v", st, wantSt)
	}
	if p := st.PassedOver(); p != "1 callback, 1 exec run, 1 duplicate delivery, 1 refused request (no whole body), 1 line that is not a record" {
		t.Errorf("PassedOver %q", p)
	}

	// --since: the records before it are passed over.
	got, st, err = collect(t, Options{Since: time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC)}, Source{Name: rec})
	if err != nil || len(got) != 2 || st.Older != 1 {
		t.Errorf("since: %q %+v %v", got, st, err)
	}
}

// A record file piped in, or named otherwise, is read as records; a
// payload is one sample.
func TestReadSniffs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	payload := write(t, dir, "p.json", "{\n  \"seq\": 1,\n  \"method\": \"POST\"\n}\n")
	oneLine := write(t, dir, "q.json", `{"seq":1,"method":"POST","body":"x"}`)
	got, _, err := collect(t, Options{Stdin: strings.NewReader(recordText)}, Source{Name: StdinName, stdin: true}, Source{Name: payload}, Source{Name: oneLine})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || !strings.HasPrefix(got[0], "<stdin> seq 1:") || !strings.HasPrefix(got[3], payload+":{") || !strings.HasPrefix(got[4], oneLine+":{") {
		t.Errorf("samples %q", got)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notRecords := write(t, dir, "n.ndjson", "{\"a\":1}\n{\"b\":2}\n")
	prose := write(t, dir, "p.ndjson", "hello\n")
	big := write(t, dir, "big.json", strings.Repeat(" ", 100)+"{}")
	for _, tc := range []struct {
		src  Source
		o    Options
		want string
	}{
		{Source{Name: notRecords}, Options{}, "not a record file: none of its 2 lines is a record"},
		{Source{Name: prose}, Options{}, "not a record file: line 1 is not a record: not JSON"},
		{Source{Name: filepath.Join(dir, "missing.json")}, Options{}, "no such file or directory"},
		{Source{Name: dir}, Options{}, "is a directory"},
		{Source{Name: StdinName, stdin: true}, Options{Stdin: strings.NewReader(" \n")}, "empty: no payload in it"},
		{Source{Name: big}, Options{MaxSize: 50}, "larger than"},
	} {
		_, _, err := collect(t, tc.o, tc.src)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Name != tc.src.Name || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming it with %q", tc.src.Name, err, tc.want)
		}
	}
}

// The error returned is the lowest sample's, however the work was split.
func TestReadFirstError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var srcs []Source
	for i := range 40 {
		srcs = append(srcs, Source{Name: write(t, dir, fmt.Sprintf("%02d.json", i), "{}")})
	}
	for range 5 {
		_, err := Read(context.Background(), srcs, Options{Workers: 4}, func(_ int, s *Sample) error {
			if s.Index >= 7 && s.Index%7 == 0 {
				return fmt.Errorf("bad %d", s.Index)
			}
			return nil
		})
		if err == nil || err.Error() != "bad 7" {
			t.Fatalf("error %v, want bad 7", err)
		}
	}
}

// parseLine reads what encoding/json reads into a record.Record.
func TestParseLineMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	lines := append(strings.Split(strings.TrimSpace(recordText), "\n"),
		`{"seq":1.5,"method":"POST"}`, `{"seq":1,"method":7}`, `{"seq":1,"method":"GET","schema":null,"duplicate":null,"body":null}`,
		`{"seq":2,"method":"POST","received_at":"yesterday"}`, `{"seq":3,"method":"POST","schema":"x"}`,
		`{"seq":4,"method":"POST","headers":{"A":["1","2"]},"body":"caf\u00e9","schema":{"errors":[{"a":1}],"name":"n"}}`)
	var sc jsonscan.Scanner
	for _, l := range lines {
		var rec record.Record
		jerr := json.Unmarshal([]byte(l), &rec)
		var rl recLine
		ok := parseLine(&sc, []byte(l), &rl)
		if ok != (jerr == nil) {
			t.Errorf("%s: parseLine %v, encoding/json %v", l, ok, jerr)
			continue
		}
		if !ok {
			continue
		}
		name := ""
		if rec.Schema != nil {
			name = rec.Schema.Name
		}
		if rl.Seq != rec.Seq || !rl.ReceivedAt.Equal(rec.ReceivedAt) || rl.Method != rec.Method || rl.Body != rec.Body ||
			rl.BodyEncoding != rec.BodyEncoding || rl.Kind != rec.Kind || rl.Duplicate != rec.Duplicate || rl.Error != rec.Error ||
			rl.HasSchema != (rec.Schema != nil) || rl.SchemaName != name {
			t.Errorf("%s: parseLine %+v, encoding/json %+v", l, rl, rec)
		}
	}
}
