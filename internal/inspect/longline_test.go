package inspect_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// shortLine is a record line as listen writes it.
func shortLine(seq int) string {
	return fmt.Sprintf(`{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/","headers":{},"body":"{}","status":200}`+"\n", seq)
}

// writeLong appends to w a record line of exactly n bytes, newline
// included, streamed: its body is as long as it takes.
func writeLong(t *testing.T, w *bufio.Writer, seq, n int) {
	t.Helper()
	head := fmt.Sprintf(`{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/","headers":{},"body":"`, seq)
	tail := `","status":200}` + "\n"
	w.WriteString(head)
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = 'a'
	}
	for left := n - len(head) - len(tail); left > 0; {
		k, _ := w.Write(chunk[:min(left, len(chunk))])
		left -= k
	}
	if _, err := w.WriteString(tail); err != nil {
		t.Fatal(err)
	}
}

// recordFile writes lines to a new file in dir: a number is a short record
// of that seq, a negative one a record of seq -n whose line is longLen
// bytes.
func recordFile(t *testing.T, path string, longLen int, seqs ...int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, seq := range seqs {
		if seq < 0 {
			writeLong(t, w, -seq, longLen)
		} else {
			w.WriteString(shortLine(seq))
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// A line longer than record.MaxLineSize, which replay and verify refuse,
// is passed over unread and counted, wherever the index meets it: in the
// tail indexed at once, in the head indexed in the background, appended
// later, or fed to listen's ring. A line of exactly MaxLineSize bytes is a
// record, as replay reads it.
func TestTooLongLinesArePassedOverAndCounted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := filepath.Join(dir, "long.ndjson")
	recordFile(t, long, record.MaxLineSize+1, 1, -2, 3)

	check := func(t *testing.T, s *inspect.Store) {
		t.Helper()
		if got := fmt.Sprint(seqs(s.List(10, 0, inspect.Filter{}))); got != "[3 1]" {
			t.Errorf("listed %s, want [3 1]", got)
		}
		if in := s.Info(); in.TooLong != 1 || in.Records != 2 || in.Skipped != 0 || in.MaxLine != record.MaxLineSize {
			t.Errorf("info %+v", in)
		}
		if _, err := s.Detail(2); !errors.Is(err, inspect.ErrNotFound) {
			t.Errorf("detail of the long line: %v", err)
		}
		if _, err := s.Record(2); !errors.Is(err, inspect.ErrNotFound) {
			t.Errorf("the long line replays: %v", err)
		}
	}
	t.Run("in the tail", func(t *testing.T) {
		s, err := inspect.OpenFileWith(long, inspect.FileOptions{TailBytes: 1 << 40})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		check(t, s)
		srv := httptest.NewServer(inspect.NewServer(inspect.Config{Store: s}))
		defer srv.Close()
		resp, err := http.Get(srv.URL + "/api/info")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), `"too_long":1,"max_line_bytes":67108864`) {
			t.Errorf("GET /api/info: %s", b)
		}
	})
	t.Run("in the head", func(t *testing.T) {
		s, err := inspect.OpenFile(long) // its tail: the last 8 MiB, inside the long line
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		check(t, s)
	})
	t.Run("appended", func(t *testing.T) {
		path := filepath.Join(dir, "follow.ndjson")
		recordFile(t, path, 0, 1)
		s, err := inspect.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		recordFile(t, path, record.MaxLineSize+1, -2, 3)
		if err := s.Refresh(); err != nil {
			t.Fatal(err)
		}
		check(t, s)
	})
	t.Run("fed to a ring", func(t *testing.T) {
		path := filepath.Join(dir, "batch.ndjson")
		recordFile(t, path, record.MaxLineSize+1, 1, -2, 3)
		batch, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := inspect.NewMemory(10, 1<<30)
		s.Feed(batch)
		batch = nil
		if got := fmt.Sprint(seqs(s.List(10, 0, inspect.Filter{}))); got != "[3 1]" {
			t.Errorf("listed %s", got)
		}
		if in := s.Info(); in.TooLong != 1 || in.Records != 2 {
			t.Errorf("info %+v", in)
		}
	})
	t.Run("at the limit", func(t *testing.T) {
		path := filepath.Join(dir, "limit.ndjson")
		recordFile(t, path, record.MaxLineSize, 1, -2, 3)
		s, err := inspect.OpenFileWith(path, inspect.FileOptions{TailBytes: 1 << 40})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if in := s.Info(); in.TooLong != 0 || in.Records != 3 {
			t.Errorf("info %+v", in)
		}
		f, _ := os.Open(path)
		defer f.Close()
		rd := record.NewReader(f)
		for range 3 {
			if _, err := rd.Next(); err != nil {
				t.Fatalf("record's reader refuses a line at the limit: %v", err)
			}
		}
	})

	// A file with nothing but such lines is no record file.
	path := filepath.Join(dir, "only.ndjson")
	recordFile(t, path, record.MaxLineSize+1, -1)
	if _, err := inspect.OpenFile(path); err == nil {
		t.Error("a file whose one line is too long opened")
	} else if want := "line 1 is not a record: longer than 64 MiB"; !strings.Contains(err.Error(), want) {
		t.Errorf("err %v, want %q", err, want)
	}
}
