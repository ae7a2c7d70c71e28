package record_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// TestLineFormat pins the record line to PRODUCT.md: field names and order.
func TestLineFormat(t *testing.T) {
	t.Parallel()
	rec := &record.Record{
		ReceivedAt: time.Date(2025, 12, 1, 14, 30, 5, 123456789, time.UTC),
		Method:     "POST",
		Path:       "/",
		Headers:    map[string]string{"Webhook-Id": "msg_1"},
		Signature:  &record.Signature{Scheme: "standard", Valid: true},
		Schema:     &record.Schema{Name: "permit.create_user", Valid: true, Errors: []payload.Error{}},
		Status:     200,
	}
	rec.SetBody([]byte(`{"a":"<b>"}`))
	var buf bytes.Buffer
	w := record.NewWriter(&buf, record.Options{})
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Close()
	want := `{"seq":1,"received_at":"2025-12-01T14:30:05.123456789Z","method":"POST","path":"/","headers":{"Webhook-Id":"msg_1"},"body":"{\"a\":\"<b>\"}","signature":{"scheme":"standard","valid":true,"reason":""},"schema":{"name":"permit.create_user","valid":true,"errors":[]},"status":200}` + "\n"
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
	if rec.Seq != 1 {
		t.Errorf("seq %d", rec.Seq)
	}
}

func TestBodyEncodingRoundTrip(t *testing.T) {
	t.Parallel()
	for _, body := range [][]byte{[]byte("plain text ✓"), {0xff, 0x00, 0xfe}, {}} {
		rec := &record.Record{Method: "POST"}
		rec.SetBody(body)
		line, err := record.Marshal(nil, rec)
		if err != nil {
			t.Fatal(err)
		}
		back, err := record.NewReader(bytes.NewReader(line)).Next()
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.RawBody()
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%q came back as %q (%v)", body, got, err)
		}
	}
}

func TestFlattenHeadersRedacts(t *testing.T) {
	t.Parallel()
	h := http.Header{"Authorization": {"Bearer s3cret"}, "X-Api-Key": {"k"}, "Accept": {"a", "b"}}
	m := record.FlattenHeaders(h, redact.Header)
	if m["Authorization"] != "Bearer ****" || m["X-Api-Key"] != "****" || m["Accept"] != "a, b" {
		t.Errorf("%v", m)
	}
}

// TestConcurrentAppends checks that lines from many goroutines are whole,
// numbered without gaps, and in seq order in the output.
func TestConcurrentAppends(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := record.NewWriter(&buf, record.Options{})
	const n = 2000
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rec := &record.Record{Method: "POST", Path: fmt.Sprintf("/%d", i)}
			rec.SetBody(bytes.Repeat([]byte("x"), i%300))
			if err := w.Write(rec); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	w.Close()
	r := record.NewReader(&buf)
	paths := map[string]bool{}
	for i := 1; ; i++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if i != n+1 {
				t.Fatalf("%d records, want %d", i-1, n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Seq != int64(i) {
			t.Fatalf("line %d has seq %d", i, rec.Seq)
		}
		paths[rec.Path] = true
	}
	if len(paths) != n {
		t.Fatalf("%d distinct records", len(paths))
	}
}

type errWriter struct{ err error }

func (e errWriter) Write([]byte) (int, error) { return 0, e.err }

func TestWriteErrorReachesEveryWaiter(t *testing.T) {
	t.Parallel()
	w := record.NewWriter(errWriter{errors.New("disk full")}, record.Options{})
	defer w.Close()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := w.Write(&record.Record{Method: "POST"}); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("err = %v", err)
			}
		})
	}
	wg.Wait()
}

func TestMirrorFailureDoesNotFailRecords(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var reported error
	w := record.NewWriter(&buf, record.Options{Mirror: errWriter{errors.New("broken pipe")}, OnMirrorError: func(err error) { reported = err }})
	if err := w.Write(&record.Record{Method: "POST"}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if reported == nil || buf.Len() == 0 {
		t.Errorf("reported %v, wrote %d bytes", reported, buf.Len())
	}
}

func TestAppendAfterClose(t *testing.T) {
	t.Parallel()
	w := record.NewWriter(io.Discard, record.Options{})
	w.Close()
	if err := w.Write(&record.Record{Method: "POST"}); !errors.Is(err, record.ErrClosed) {
		t.Errorf("err = %v", err)
	}
	w.Close() // twice is fine
}

func TestFileRemovedIsAnError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	f, err := record.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("a\n")); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if _, err := f.Write([]byte("b\n")); err == nil || !strings.Contains(err.Error(), "was removed") {
		t.Fatalf("err = %v", err)
	}
	if _, err := f.Write([]byte("c\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "c\n" {
		t.Errorf("new file holds %q", b)
	}
}

func TestFileDiskFull(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	f, err := record.OpenFile("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("a\n")); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("err = %v", err)
	}
}

// TestReaderErrors: a line that is not a record after a record is skipped
// and reported, not an error (reader_test.go has the rest).
func TestReaderErrors(t *testing.T) {
	t.Parallel()
	r := record.NewReader(strings.NewReader("\n{\"seq\":1,\"method\":\"POST\"}\nnot json\n"))
	var skipped []int
	r.Skip = func(line int) { skipped = append(skipped, line) }
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF || len(skipped) != 1 || skipped[0] != 3 {
		t.Fatalf("err = %v, skipped lines %v; want EOF and [3]", err, skipped)
	}
}

// TestNewFileIsPrivate: a record holds payloads with personal data, so a new
// record file is readable by its owner only, whatever the umask allows.
func TestNewFileIsPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	f, err := record.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o600 {
		t.Fatalf("new record file has mode %o, want 600", got)
	}
}

// lastSeqAt is a destination that already holds records up to seq n.
type lastSeqAt struct {
	bytes.Buffer
	n int64
}

func (l *lastSeqAt) LastSeq() int64 { return l.n }

// seq stops at its largest value instead of wrapping to negative numbers.
func TestSeqDoesNotWrap(t *testing.T) {
	t.Parallel()
	w := record.NewWriter(&lastSeqAt{n: 1<<63 - 2}, record.Options{})
	defer w.Close()
	rec := &record.Record{Method: "POST"}
	if err := w.Write(rec); err != nil || rec.Seq != 1<<63-1 {
		t.Fatalf("last seq: %d, %v", rec.Seq, err)
	}
	if err := w.Write(rec); !errors.Is(err, record.ErrSeqExhausted) {
		t.Fatalf("past the last seq: %v", err)
	}
}

// TestAppendHidden: a hidden line is recorded and tapped like any other,
// numbered in turn, and left out of what the Mirror shows, also when it
// shares a batch with shown lines.
func TestAppendHidden(t *testing.T) {
	t.Parallel()
	var file, mirror, tapped bytes.Buffer
	var mu sync.Mutex
	w := record.NewWriter(&file, record.Options{Mirror: &mirror, Tap: func(b []byte) { mu.Lock(); tapped.Write(b); mu.Unlock() }})
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			line, _ := record.Marshal(nil, &record.Record{Method: "POST", Path: fmt.Sprintf("/%d", i)})
			var err error
			if i%2 == 0 {
				_, err = w.AppendHidden(line)
			} else {
				_, err = w.Append(line)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	w.Close()
	if file.String() != tapped.String() || strings.Count(file.String(), "\n") != n {
		t.Fatalf("the file has %d lines, the tap %d", strings.Count(file.String(), "\n"), strings.Count(tapped.String(), "\n"))
	}
	shown := strings.Split(strings.TrimSuffix(mirror.String(), "\n"), "\n")
	if len(shown) != n/2 {
		t.Fatalf("the mirror shows %d lines, want %d", len(shown), n/2)
	}
	for _, line := range shown {
		var rec record.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Seq < 1 || rec.Seq > n {
			t.Fatalf("mirror line %q: %v", line, err)
		}
		if k, _ := strconv.Atoi(strings.TrimPrefix(rec.Path, "/")); k%2 == 0 {
			t.Errorf("a hidden line was shown: %s", line)
		}
		if !strings.Contains(file.String(), line+"\n") {
			t.Errorf("the mirror's line is not the file's: %s", line)
		}
	}
}
