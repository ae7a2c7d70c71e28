package har

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// MaxEntrySize bounds what one entry (or any other value of the log) may
// take: an entry holds a body as a record line does, so the record
// line's bound applies, and a file that is one endless value cannot fill
// memory.
const MaxEntrySize = record.MaxLineSize

// ErrNotHAR is the error of an input that is not a HAR document.
var ErrNotHAR = errors.New("not a HAR file: no log.entries")

// EntryTooLargeError is an entry (or another value of the log) larger than
// MaxEntrySize.
type EntryTooLargeError struct{ Entry int }

func (e *EntryTooLargeError) Error() string {
	return fmt.Sprintf("entry %d is larger than %d MB", e.Entry, MaxEntrySize>>20)
}

// Sniff reports whether start, the first bytes of an input, begins a HAR
// document: a JSON object whose first member is "log". A record file's
// lines start with another member ("seq").
func Sniff(start []byte) bool {
	start = bytes.TrimPrefix(start, utf8BOM)
	dec := json.NewDecoder(bytes.NewReader(start))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	t, err := dec.Token()
	return err == nil && t == "log"
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// Reader reads the entries of a HAR document one at a time, as records
// (see ToRecord), in the memory of one entry.
type Reader struct {
	// Skip, when set, hears of each entry that is not a request that can
	// be sent again (no method, a URL that does not parse, a body that
	// does not decode), by its 1-based number.
	Skip func(entry int, err error)

	src     *boundedReader
	dec     *json.Decoder
	own     bool // written by this tool: its custom fields are read
	started bool
	done    bool
	n       int
	skipped int
}

// NewReader reads a HAR document from r. The specification asks readers
// to ignore a byte order mark; one is passed over.
func NewReader(r io.Reader) *Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(3)
	}
	src := &boundedReader{r: br}
	dec := json.NewDecoder(src)
	return &Reader{src: src, dec: dec}
}

// Own reports whether the document was written by this tool (so far as
// the log's creator has been read).
func (r *Reader) Own() bool { return r.own }

// Skipped is how many entries were passed over.
func (r *Reader) Skipped() int { return r.skipped }

// Next returns the next entry as a record, or io.EOF after the last.
func (r *Reader) Next() (*record.Record, error) {
	if !r.started {
		r.started = true
		if err := r.open(); err != nil {
			r.done = true
			return nil, err
		}
	}
	for !r.done {
		if !r.dec.More() {
			r.done = true
			// The closing bracket: a file cut short after its last whole
			// entry is an error, not a shorter list.
			t, err := r.dec.Token()
			if err == nil && t != json.Delim(']') {
				err = fmt.Errorf("%w (found %v where the entries end)", ErrNotHAR, t)
			}
			if err != nil && r.n > 0 {
				return nil, fmt.Errorf("after entry %d: %w", r.n, notHAR(err))
			}
			if err != nil {
				return nil, notHAR(err)
			}
			break
		}
		r.n++
		r.src.reset()
		var e Entry
		if err := r.dec.Decode(&e); err != nil {
			r.done = true
			return nil, r.decodeErr(err)
		}
		rec, err := ToRecord(&e, r.n, r.own)
		if err != nil {
			r.skipped++
			if r.Skip != nil {
				r.Skip(r.n, err)
			}
			continue
		}
		return rec, nil
	}
	return nil, io.EOF
}

func (r *Reader) decodeErr(err error) error {
	var tl *EntryTooLargeError
	if errors.As(err, &tl) {
		tl.Entry = r.n
		return tl
	}
	return fmt.Errorf("entry %d: %w", r.n, err)
}

// open reads up to the first entry: into the top-level object, its "log"
// object, and its "entries" array, passing over the other members and
// noting the log's creator.
func (r *Reader) open() error {
	if err := r.expect('{'); err != nil {
		return err
	}
	found, err := r.members(func(key string) (bool, error) {
		if key != "log" {
			return false, r.skipValue()
		}
		if err := r.expect('{'); err != nil {
			return false, err
		}
		return r.members(r.logMember)
	})
	if err == nil && !found {
		err = ErrNotHAR
	}
	return err
}

// logMember reads one member of the log: the creator, or the start of the
// entries (which ends the walk).
func (r *Reader) logMember(key string) (bool, error) {
	switch key {
	case "creator":
		var c Creator
		r.src.reset()
		if err := r.dec.Decode(&c); err != nil {
			return false, fmt.Errorf("log.creator: %w", err)
		}
		r.own = c.Name == CreatorName
		return false, nil
	case "entries":
		return true, r.expect('[')
	}
	return false, r.skipValue()
}

// members walks an object's members until fn reports it found what it
// wanted (then it stops there) or the object ends.
func (r *Reader) members(fn func(key string) (bool, error)) (bool, error) {
	for r.dec.More() {
		t, err := r.dec.Token()
		if err != nil {
			return false, notHAR(err)
		}
		key, _ := t.(string)
		found, err := fn(key)
		if err != nil || found {
			return found, err
		}
	}
	_, err := r.dec.Token() // the closing brace
	return false, notHAR(err)
}

func (r *Reader) expect(d json.Delim) error {
	r.src.reset()
	t, err := r.dec.Token()
	if err != nil {
		return notHAR(err)
	}
	if t != d {
		return fmt.Errorf("%w (found %v where %q was expected)", ErrNotHAR, t, string(d))
	}
	return nil
}

func (r *Reader) skipValue() error {
	r.src.reset()
	var raw json.RawMessage
	return notHAR(r.dec.Decode(&raw))
}

func notHAR(err error) error {
	var tl *EntryTooLargeError
	if err == nil || errors.As(err, &tl) || errors.Is(err, ErrNotHAR) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w (the document ends early)", ErrNotHAR)
	}
	return fmt.Errorf("%w: %v", ErrNotHAR, err)
}

// boundedReader fails a read once more than MaxEntrySize bytes were read
// since the last reset, which the Reader calls before each value.
type boundedReader struct {
	r io.Reader
	n int64
}

func (b *boundedReader) reset() { b.n = 0 }

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n >= MaxEntrySize {
		return 0, &EntryTooLargeError{}
	}
	if rest := MaxEntrySize - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// ToRecord turns HAR entry number n (1-based) into the record of the
// request it holds. own says the file was written by this tool: then the
// entry's custom fields give back the record's seq, kind and verdicts, and
// a body stored base64 is decoded; any other file's entries are numbered n
// and taken as deliveries whose signature was not checked, signed in the
// scheme their headers show.
func ToRecord(e *Entry, n int, own bool) (*record.Record, error) {
	req := &e.Request
	if req.Method == "" {
		return nil, errors.New("no request method")
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("request URL: %w", err)
	}
	rec := &record.Record{
		Seq: int64(n), Method: req.Method, Path: u.Path, Query: u.RawQuery,
		Headers: recordHeaders(req.Headers), Status: e.Response.Status,
	}
	if rec.Path == "" {
		rec.Path = "/"
	}
	if t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err == nil {
		rec.ReceivedAt = t
	}
	body, err := requestBody(req.PostData, own)
	if err != nil {
		return nil, err
	}
	rec.SetBody(body)
	if x := e.WebhookTool; own && x != nil {
		if x.Seq > 0 {
			rec.Seq = x.Seq
		}
		rec.Kind, rec.DeliveryID, rec.Duplicate = x.Kind, x.DeliveryID, x.Duplicate
		rec.CallbackFor, rec.UserInviteID = x.CallbackFor, x.UserInviteID
		rec.Signature, rec.Schema, rec.Forward, rec.Error = x.Signature, x.Schema, x.Forward, x.Error
		return rec, nil
	}
	rec.Signature = &record.Signature{
		Scheme: string(signature.Detect(rec.HTTPHeader())), Kind: record.Unchecked,
		Reason: "read from a HAR file; not checked",
	}
	return rec, nil
}

// recordHeaders is a HAR header list as a record's headers: repeated
// names joined with ", ", HTTP/2 pseudo-headers (":authority") left out.
func recordHeaders(list []NameValue) record.Headers {
	h := make(record.Headers, len(list))
	for _, nv := range list {
		if nv.Name == "" || strings.HasPrefix(nv.Name, ":") {
			continue
		}
		name := http.CanonicalHeaderKey(nv.Name)
		if old, ok := h[name]; ok {
			h[name] = old + ", " + nv.Value
			continue
		}
		h[name] = nv.Value
	}
	return h
}

// requestBody is the bytes postData holds: text (decoded from base64 in
// this tool's own files when _encoding says so), or a form rebuilt from
// params when a browser wrote those instead.
func requestBody(pd *PostData, own bool) ([]byte, error) {
	switch {
	case pd == nil:
		return nil, nil
	case own && pd.Encoding == Base64:
		b, err := base64.StdEncoding.DecodeString(pd.Text)
		if err != nil {
			return nil, fmt.Errorf("postData: _encoding is base64 but text is not: %w", err)
		}
		return b, nil
	case own && pd.Encoding != "":
		return nil, fmt.Errorf("postData: unknown _encoding %q", pd.Encoding)
	case pd.Text == "" && len(pd.Params) > 0:
		var b strings.Builder
		for i, p := range pd.Params {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value))
		}
		return []byte(b.String()), nil
	}
	return []byte(pd.Text), nil
}
