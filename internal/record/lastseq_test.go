package record_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// appendRecords writes n records through OpenFile and a Writer, as listen
// does, and returns their seqs.
func appendRecords(t *testing.T, path string, n int, body string) []int64 {
	t.Helper()
	f, err := record.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := record.NewWriter(f, record.Options{})
	defer w.Close()
	var seqs []int64
	for range n {
		rec := &record.Record{Method: "POST", Path: "/"}
		rec.SetBody([]byte(body))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, rec.Seq)
	}
	if got := w.Count(); got != int64(n) {
		t.Errorf("Count() = %d after %d records", got, n)
	}
	return seqs
}

func readSeqs(t *testing.T, path string) []int64 {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r := record.NewReader(fh)
	var seqs []int64
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return seqs
		}
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, rec.Seq)
	}
}

// TestReopenedFileContinuesSeq is listen restarted on the same --record
// file: the new records carry on after the old ones instead of starting
// again at 1, so every seq in the file names one delivery.
func TestReopenedFileContinuesSeq(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	if got := appendRecords(t, path, 3, "first run"); fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("a new file numbered %v", got)
	}
	if got := appendRecords(t, path, 2, "second run"); fmt.Sprint(got) != "[4 5]" {
		t.Fatalf("the reopened file numbered %v, want [4 5]", got)
	}
	if got := readSeqs(t, path); fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Errorf("the file holds seqs %v", got)
	}
}

func TestEmptyFileStartsAtOne(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := appendRecords(t, path, 1, "x"); got[0] != 1 {
		t.Errorf("an empty file starts at %d", got[0])
	}
}

// TestReopenSkipsWhatIsNotARecord: the end of the file may hold a line cut
// short by a crash, lines that are not records, and records whose lines are
// longer than any read buffer; the next seq follows the last whole record.
func TestReopenSkipsWhatIsNotARecord(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	big := strings.Repeat("b", 300<<10) // spans several reads from the end
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"seq\":7,\"method\":\"POST\",\"body\":%q}\n", big)
	fmt.Fprintf(&buf, "{\"seq\":41,\"method\":\"POST\",\"body\":%q}\n", big)
	buf.WriteString("\n  \nnot a record\n{\"seq\":900}\n[1,2]\n")
	buf.WriteString(`{"seq":500,"received_at":"2025-12-0`) // torn, no newline
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := appendRecords(t, path, 1, "x"); got[0] != 42 {
		t.Errorf("next seq %d, want 42", got[0])
	}
}

func TestLastSeq(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("h", 3<<20)
	for _, c := range []struct {
		name, text string
		want       int64
	}{
		{"empty", "", 0},
		{"one record, no newline", `{"seq":3,"method":"POST"}`, 3},
		{"one huge record", fmt.Sprintf("{\"seq\":12,\"method\":\"POST\",\"body\":%q}\n", huge), 12},
		{"no records", strings.Repeat("garbage line\n", 50000), 0},
		{"records far before garbage", "{\"seq\":5,\"method\":\"POST\"}\n" + strings.Repeat("garbage line\n", 50000), 5},
		{"highest of the last records", "{\"seq\":9,\"method\":\"POST\"}\n{\"seq\":8,\"method\":\"POST\"}\n", 9},
		{"seq zero is no record", "{\"seq\":4,\"method\":\"POST\"}\n{\"seq\":0,\"method\":\"POST\"}\n", 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := record.LastSeq(strings.NewReader(c.text), int64(len(c.text)))
			if err != nil || got != c.want {
				t.Errorf("LastSeq = %d, %v; want %d", got, err, c.want)
			}
		})
	}
}

type countingReaderAt struct {
	r    io.ReaderAt
	read int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.read += int64(n)
	return n, err
}

// TestLastSeqReadsOnlyTheEnd: a record file can be gigabytes; finding its
// last seq must not read it all.
func TestLastSeqReadsOnlyTheEnd(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	for i := 1; buf.Len() < 16<<20; i++ {
		fmt.Fprintf(&buf, "{\"seq\":%d,\"method\":\"POST\",\"body\":\"%s\"}\n", i, strings.Repeat("x", 1000))
	}
	last := bytes.Count(buf.Bytes(), []byte("\n"))
	cr := &countingReaderAt{r: bytes.NewReader(buf.Bytes())}
	got, err := record.LastSeq(cr, int64(buf.Len()))
	if err != nil || got != int64(last) {
		t.Fatalf("LastSeq = %d, %v; want %d", got, err, last)
	}
	if cr.read > 1<<20 {
		t.Errorf("read %d bytes of %d to find the last seq", cr.read, buf.Len())
	}
}

// A torn last line is ended before the next record, which gets a line of its
// own that a reader can parse.
func TestReopenEndsATornLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	torn := "{\"seq\":1,\"method\":\"POST\",\"body\":\"x\"}\n{\"seq\":2,\"method\":\"PO"
	if err := os.WriteFile(path, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	appendRecords(t, path, 1, "after the crash")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 3 || lines[1] != `{"seq":2,"method":"PO` || !strings.HasPrefix(lines[2], `{"seq":2,`) {
		t.Errorf("file after reopening:\n%s", raw)
	}
}
