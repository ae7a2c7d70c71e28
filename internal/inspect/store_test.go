package inspect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

func guid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func seqs(p inspect.Page) []int64 {
	out := []int64{}
	for _, d := range p.Deliveries {
		out = append(out, d.Seq)
	}
	return out
}

func openStore(t *testing.T, path string) *inspect.Store {
	t.Helper()
	s, err := inspect.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFileStorePagingNewestFirst(t *testing.T) {
	t.Parallel()
	rc := newRecorder(t, record.Options{})
	for i := 1; i <= 7; i++ {
		rc.send("/", guid(i), paBody(t, guid(i), ""), true)
	}
	s := openStore(t, rc.path)
	p := s.List(3, 0, inspect.Filter{})
	if got := fmt.Sprint(seqs(p)); got != "[7 6 5]" || p.Next == nil || *p.Next != 5 {
		t.Fatalf("first page %s next %v", got, p.Next)
	}
	p = s.List(3, *p.Next, inspect.Filter{})
	if got := fmt.Sprint(seqs(p)); got != "[4 3 2]" || p.Next == nil || *p.Next != 2 {
		t.Fatalf("second page %s next %v", got, p.Next)
	}
	p = s.List(3, *p.Next, inspect.Filter{})
	if got := fmt.Sprint(seqs(p)); got != "[1]" || p.Next != nil {
		t.Fatalf("last page %s next %v", got, p.Next)
	}
	d := s.List(1, 0, inspect.Filter{}).Deliveries[0]
	if d.Schema != "permission_assist.access_request" || d.Event != "AccessRequestCreated" || d.DeliveryID != guid(7) ||
		d.SignatureValid == nil || !*d.SignatureValid || d.SchemaValid == nil || !*d.SchemaValid || d.Status != 200 || d.Kind != "delivery" {
		t.Fatalf("summary %+v", d)
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	rc := newRecorder(t, record.Options{})
	rc.send("/", guid(1), paBody(t, guid(1), ""), true)                 // 1 valid, signed
	rc.send("/", guid(2), paBody(t, guid(2), "Delete"), true)           // 2 invalid
	rc.send("/", guid(3), paBody(t, guid(3), ""), false)                // 3 bad signature (401)
	rc.send("/orders", guid(4), fixture(t, "permit.create_user"), true) // 4 Permit create_user
	rc.send("/", guid(1), paBody(t, guid(1), ""), true)                 // 5 duplicate of 1
	rc.callback(guid(1), "done")                                        // 6 callback for 1
	s := openStore(t, rc.path)
	for _, tc := range []struct{ q, want string }{
		{"", "[6 5 4 3 2 1]"},
		{"is:invalid", "[2]"},
		{"is:valid", "[5 4 1]"}, // 3's payload is not validated: its signature failed
		{"sig:bad", "[3]"},
		{"sig:ok", "[5 4 2 1]"},
		{"schema:permit", "[4]"},
		{"event:create_user", "[4]"},
		{"event:AccessRequestCreated sig:ok", "[5 2 1]"},
		{"ORDERS", "[4]"},
		{guid(1), "[6 5 1]"},
		{"is:duplicate", "[5]"},
		{"is:callback", "[6]"},
		{"status:401", "[3]"},
		{"status:2", "[6 5 4 2 1]"},
		{"nothing-like-this", "[]"},
	} {
		if got := fmt.Sprint(seqs(s.List(100, 0, inspect.ParseFilter(tc.q)))); got != tc.want {
			t.Errorf("q %q: %s, want %s", tc.q, got, tc.want)
		}
	}
	// A filtered page goes on from where it stopped.
	p := s.List(2, 0, inspect.ParseFilter("sig:ok"))
	p = s.List(2, *p.Next, inspect.ParseFilter("sig:ok"))
	if got := fmt.Sprint(seqs(p)); got != "[2 1]" {
		t.Errorf("second filtered page %s", got)
	}
}

func TestDetailHasCallbacksAndExecRunsAndMasks(t *testing.T) {
	t.Parallel()
	rc := newRecorder(t, record.Options{})
	rc.send("/", guid(1), paBody(t, guid(1), "Delete"), true, "Authorization", "Bearer top-secret-token")
	rc.callback(guid(1), "Provisioning complete.")
	rc.callback(guid(1), "again")
	// As listen --exec records a run.
	rc.appendLine(`{"seq":4,"kind":"exec","delivery_seq":1,"delivery_id":"` + guid(1) + `","started_at":"2026-11-30T12:00:05Z","exit_code":0,"timed_out":false,"duration_ms":12.3,"stdout_excerpt":"ok","stderr_excerpt":""}` + "\n")
	s := openStore(t, rc.path)
	d, err := s.Detail(1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	text := string(b)
	var got struct {
		Seq     int64             `json:"seq"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
		Schema  struct {
			Errors []struct {
				InstanceLocation string `json:"instanceLocation"`
				Line, Column     int
			} `json:"errors"`
		} `json:"schema"`
		Callbacks []struct {
			Body   string `json:"body"`
			Status int    `json:"status"`
		} `json:"callbacks"`
		ExecRuns []struct {
			ExitCode *int   `json:"exit_code"`
			Stdout   string `json:"stdout_excerpt"`
		} `json:"exec_runs"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Seq != 1 || !strings.Contains(got.Body, `"Delete"`) {
		t.Fatalf("detail %s", text)
	}
	if len(got.Schema.Errors) != 1 || got.Schema.Errors[0].InstanceLocation != "/event/request/action" || got.Schema.Errors[0].Line == 0 {
		t.Fatalf("schema errors %+v", got.Schema.Errors)
	}
	if got.Headers["Authorization"] != "Bearer ****" || strings.Contains(text, "top-secret-token") {
		t.Fatalf("authorization not masked: %s", got.Headers["Authorization"])
	}
	if len(got.Callbacks) != 2 || got.Callbacks[0].Body != "Provisioning complete." || got.Callbacks[0].Status != 200 || got.Callbacks[1].Status != 409 {
		t.Fatalf("callbacks %+v", got.Callbacks)
	}
	if len(got.ExecRuns) != 1 || got.ExecRuns[0].Stdout != "ok" {
		t.Fatalf("exec runs %+v", got.ExecRuns)
	}
	sum := s.List(10, 0, inspect.Filter{})
	if fmt.Sprint(seqs(sum)) != "[3 2 1]" || sum.Deliveries[2].Callbacks != 2 || sum.Deliveries[2].ExecRuns != 1 {
		t.Fatalf("list %+v", sum.Deliveries)
	}
	if _, err := s.Detail(99); err != inspect.ErrNotFound {
		t.Fatalf("Detail(99): %v", err)
	}
}

// A file a crash cut short, or with stray lines, still shows its records;
// a line still being written is not shown until it is whole.
func TestFileStoreSkipsBrokenLinesAndFollows(t *testing.T) {
	t.Parallel()
	rc := newRecorder(t, record.Options{})
	rc.send("/", guid(1), paBody(t, guid(1), ""), true)
	rc.appendLine("this is not a record\n")
	rc.appendLine(`{"seq":2,"received_at":"2026-1` + "\n") // cut short
	s := openStore(t, rc.path)
	if got := fmt.Sprint(seqs(s.List(10, 0, inspect.Filter{}))); got != "[1]" {
		t.Fatalf("list %s", got)
	}
	sub := s.Subscribe(inspect.Filter{})
	defer sub.Close()

	rc.appendLine(`{"seq":3,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/half"`) // no newline yet
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(seqs(s.List(10, 0, inspect.Filter{}))); got != "[1]" {
		t.Fatalf("a half-written line is listed: %s", got)
	}
	rc.appendLine(`,"headers":{},"body":"x","status":200}` + "\n")
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(seqs(s.List(10, 0, inspect.Filter{}))); got != "[3 1]" {
		t.Fatalf("after the line was finished: %s", got)
	}
	select {
	case row := <-sub.C:
		if row.Seq != 3 || row.Path != "/half" {
			t.Fatalf("streamed %+v", row)
		}
	default:
		t.Fatal("the new line was not announced")
	}
	if in := s.Info(); in.Skipped != 2 || in.Source != "file" {
		t.Fatalf("info %+v", in)
	}
}

func TestOpenFileRefusesWhatIsNotARecordFile(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/notes.txt"
	os.WriteFile(path, []byte("hello\nworld\n"), 0o644)
	if _, err := inspect.OpenFile(path); err == nil || !strings.Contains(err.Error(), "not a record") {
		t.Fatalf("err %v", err)
	}
	if _, err := inspect.OpenFile(t.TempDir()); err == nil {
		t.Fatal("a directory opened")
	}
}

// Without --record the page holds a ring: the oldest lines go first, and
// Tap never waits for the page.
func TestMemoryRingDropsOldest(t *testing.T) {
	t.Parallel()
	s := inspect.NewMemory(3, 1<<20)
	rc := newRecorder(t, record.Options{Tap: s.Tap})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := s.Subscribe(inspect.Filter{})
	defer sub.Close()
	go s.Run(ctx, nil)
	for i := 1; i <= 5; i++ {
		rc.send("/", guid(i), paBody(t, guid(i), ""), true)
	}
	for i := 1; i <= 5; i++ {
		select {
		case row := <-sub.C:
			if row.Seq != int64(i) {
				t.Fatalf("streamed seq %d, want %d", row.Seq, i)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("row %d never streamed", i)
		}
	}
	if got := fmt.Sprint(seqs(s.List(10, 0, inspect.Filter{}))); got != "[5 4 3]" {
		t.Fatalf("ring holds %s", got)
	}
	if in := s.Info(); in.Dropped != 2 || in.Capacity != 3 || in.Source != "memory" {
		t.Fatalf("info %+v", in)
	}
	if _, err := s.Detail(1); err != inspect.ErrNotFound {
		t.Fatalf("a dropped record: %v", err)
	}
	if _, err := s.Detail(4); err != nil {
		t.Fatal(err)
	}
}

func TestParseFilterKeepsUnknownKeysAsText(t *testing.T) {
	t.Parallel()
	f := inspect.ParseFilter("/a:b")
	s := inspect.Summary{Path: "/x/a:b"}
	if !f.Match(&s) {
		t.Fatal("a path with a colon did not match itself")
	}
	if inspect.ParseFilter("  ").Empty() != true {
		t.Fatal("blank query is not empty")
	}
}

// Two record files joined end to end repeat their seqs: every line is still
// listed, pages still end, and a seq names its latest line.
func TestFileStoreWithRepeatedSeqs(t *testing.T) {
	t.Parallel()
	rc := newRecorder(t, record.Options{})
	rc.send("/a", guid(1), paBody(t, guid(1), ""), true)
	rc.send("/a", guid(2), paBody(t, guid(2), ""), true)
	raw, err := os.ReadFile(rc.path)
	if err != nil {
		t.Fatal(err)
	}
	rc.appendLine(strings.ReplaceAll(string(raw), `"path":"/a"`, `"path":"/b"`))
	s := openStore(t, rc.path)
	all := s.List(10, 0, inspect.Filter{})
	if len(all.Deliveries) != 4 || all.Deliveries[0].Path != "/b" || all.Deliveries[3].Path != "/a" || all.Next != nil {
		t.Fatalf("list %+v", all)
	}
	p := s.List(1, 0, inspect.Filter{})
	if p.Next == nil || *p.Next != 2 {
		t.Fatalf("first page next %v", p.Next)
	}
	if got := fmt.Sprint(seqs(s.List(10, 2, inspect.Filter{}))); got != "[1 1]" {
		t.Fatalf("before=2: %s", got)
	}
	d, err := s.Detail(1)
	if err != nil || !strings.Contains(string(d["path"]), "/b") {
		t.Fatalf("Detail(1) path %s, %v", d["path"], err)
	}
}

// A large file is indexed from its end first: its newest lines are listed
// at once, and the older ones once the rest of the file is indexed, with
// their callbacks.
func TestFileStoreIndexesTheTailFirst(t *testing.T) {
	t.Parallel()
	rc := newRecorder(t, record.Options{})
	for i := 1; i <= 40; i++ {
		rc.send("/", guid(i), paBody(t, guid(i), ""), true)
		if i == 2 {
			rc.callback(guid(2), "early callback") // seq 3
		}
	}
	rc.appendLine("not a record\n")
	s, err := inspect.OpenFileWith(rc.path, inspect.FileOptions{TailBytes: 3 * 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := s.List(100, 0, inspect.Filter{})
	if len(all.Deliveries) != 41 || all.Deliveries[0].Seq != 41 || all.Deliveries[40].Seq != 1 || all.Next != nil {
		t.Fatalf("%d rows, next %v", len(all.Deliveries), all.Next)
	}
	if in := s.Info(); in.Indexing || in.Records != 41 || in.Skipped != 1 {
		t.Fatalf("info %+v", in)
	}
	d, err := s.Detail(2)
	if err != nil || !strings.Contains(string(d["callbacks"]), "early callback") {
		t.Fatalf("detail 2: %v %s", err, d["callbacks"])
	}
	if got := fmt.Sprint(seqs(s.List(3, 3, inspect.Filter{}))); got != "[2 1]" {
		t.Fatalf("before=3: %s", got)
	}
	if n := s.List(100, 0, inspect.ParseFilter("is:callback")).Deliveries; len(n) != 1 || n[0].Seq != 3 {
		t.Fatalf("callbacks %+v", n)
	}
	s.Warm(context.Background())
	if got := s.List(1, 0, inspect.ParseFilter("is:delivery "+guid(2))).Deliveries; len(got) != 1 || got[0].Callbacks != 1 {
		t.Fatalf("delivery 2 %+v", got)
	}
}

// TestSummaryNamesTheRule: a row says which response rule took the
// delivery, by name or number; the detail is the record, forwards and all.
func TestSummaryNamesTheRule(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/rec.ndjson"
	var lines []byte
	for i, rec := range []*record.Record{
		{Seq: 1, Method: "POST", Path: "/", Status: 503, Rule: &record.RuleRef{Number: 1}},
		{Seq: 2, Method: "POST", Path: "/", Status: 204, Rule: &record.RuleRef{Name: "created-204"},
			Forward: &record.Forward{URL: "http://a/", Status: 200}, Forwards: []record.Forward{{URL: "http://b/", Error: "refused"}}},
		{Seq: 3, Method: "POST", Path: "/", Status: 200},
	} {
		line, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(i, err)
		}
		lines = append(append(lines, line...), '\n')
	}
	if err := os.WriteFile(path, lines, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, path)
	rows := s.List(10, 0, inspect.Filter{}).Deliveries
	got, _ := json.Marshal([]any{rows[0].Rule, rows[1].Rule, rows[2].Rule})
	if string(got) != `[null,"created-204",1]` {
		t.Errorf("rules of rows 3, 2, 1: %s", got)
	}
	row, _ := json.Marshal(rows[2])
	if !strings.Contains(string(row), `"rule":1,`) {
		t.Errorf("row 1: %s", row)
	}
	d, err := s.Detail(2)
	if err != nil {
		t.Fatal(err)
	}
	if string(d["rule"]) != `"created-204"` || !strings.Contains(string(d["forwards"]), `"http://b/"`) {
		t.Errorf("detail: rule %s, forwards %s", d["rule"], d["forwards"])
	}
}
