// Package export writes recorded requests where people already look: a
// HAR 1.2 file (browser dev tools, Postman, Charles), one curl command per
// request, or the selected record lines themselves. It reads what replay
// reads (Input: a record file or a HAR file) and selects as replay selects
// (replay.Selection).
//
// Secrets stay as the record has them: listen masked them when it wrote
// the record, and nothing here unmasks or adds anything.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/har"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/replay"
)

// The formats.
const (
	HAR    = "har"
	Curl   = "curl"
	NDJSON = "ndjson"
)

// Formats lists the formats, the default first.
var Formats = []string{HAR, Curl, NDJSON}

// CurlFunc renders rec as one POSIX shell command that sends it again to
// its recorded path and query below base, its body byte for byte, and
// says what it leaves out (a masked header) one line each. The inspector's
// "Copy as curl" generator is the one implementation; export takes it as
// a parameter so that there is only the one.
type CurlFunc func(rec *record.Record, base string) (command string, leftOut []string, err error)

// ErrNoCurl is the error of --format curl in a build whose curl generator
// is not wired in.
var ErrNoCurl = errors.New("the curl format is not available in this build")

// Options say what to export and how.
type Options struct {
	Format    string
	Selection replay.Selection
	// To is the URL the requests are shown (har) or sent (curl) to: each
	// at its recorded path and query below To's path, as replay maps it.
	// "" for har means the recorded Host, else 127.0.0.1; curl needs one.
	To string
	// Creator is log.creator of a HAR file.
	Creator har.Creator
	// Curl builds a curl command (see CurlFunc).
	Curl CurlFunc
	// Warn hears of each selected request that could not be exported.
	Warn func(msg string)
}

// Result counts what Run did.
type Result struct {
	Exported int // requests written
	Selected int // requests selected (Exported plus those that could not be)
}

// Run writes the requests of in that o selects to w, in o.Format. It
// stops at ctx's end, and at the first error reading in (after which w
// holds what was written so far) or writing w.
func Run(ctx context.Context, in *Input, w io.Writer, o Options) (Result, error) {
	var res Result
	var add func(rec *record.Record) error
	closeFn := func() error { return nil }
	switch o.Format {
	case HAR, "":
		hw := har.NewWriter(w, o.Creator)
		add = func(rec *record.Record) error {
			e, err := har.EntryOf(rec, entryURL(rec, o.To))
			if err != nil {
				return skipError{err}
			}
			return hw.Add(&e)
		}
		closeFn = hw.Close
	case Curl:
		if o.Curl == nil {
			return res, ErrNoCurl
		}
		add = func(rec *record.Record) error { return writeCurl(w, rec, o) }
	case NDJSON:
		add = func(rec *record.Record) error { return writeLine(w, in, rec) }
	default:
		return res, fmt.Errorf("unknown format %q", o.Format)
	}
	for ctx.Err() == nil {
		rec, err := in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		if !o.Selection.Match(rec) {
			continue
		}
		res.Selected++
		var skip skipError
		switch err := add(rec); {
		case errors.As(err, &skip):
			if o.Warn != nil {
				o.Warn(fmt.Sprintf("#%d not exported: %s", rec.Seq, render.Escape(skip.Error())))
			}
		case err != nil:
			return res, err
		default:
			res.Exported++
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, closeFn()
}

// skipError is a request that cannot be exported: it is passed over with
// a warning.
type skipError struct{ err error }

func (e skipError) Error() string { return e.err.Error() }

// entryURL is where a HAR entry says rec went: its recorded path and
// query below to, or below the recorded Host (127.0.0.1 without one).
func entryURL(rec *record.Record, to string) string {
	if to == "" {
		to = "http://" + recordedHost(rec) + "/"
	}
	return replay.URL(rec, to)
}

// recordedHost is the record's Host header when it is a plain host[:port]
// (it is the client's text), else 127.0.0.1.
func recordedHost(rec *record.Record) string {
	for k, v := range rec.Headers {
		if !strings.EqualFold(k, "Host") {
			continue
		}
		if u, err := url.Parse("http://" + v + "/"); err == nil && u.Host == v && u.User == nil && u.Path == "/" && u.RawQuery == "" {
			return v
		}
	}
	return "127.0.0.1"
}

// writeCurl writes rec's curl command after a comment line naming it and
// one for each thing the command leaves out.
func writeCurl(w io.Writer, rec *record.Record, o Options) error {
	cmd, left, err := o.Curl(rec, o.To)
	if err != nil {
		return skipError{err}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# #%d %s %s", rec.Seq, render.Escape(rec.Method), render.Escape(rec.Path))
	if rec.Kind != record.KindDelivery {
		b.WriteString(" (" + render.Escape(rec.Kind) + ")")
	}
	b.WriteByte('\n')
	for _, l := range left {
		b.WriteString("#   left out: " + render.Escape(l) + "\n")
	}
	b.WriteString(cmd)
	if !strings.HasSuffix(cmd, "\n") {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	_, err = io.WriteString(w, b.String())
	return err
}

// writeLine writes the record line as it was read; a record read from a
// HAR file is written as listen writes one.
func writeLine(w io.Writer, in *Input, rec *record.Record) error {
	line := in.Text()
	if line == nil {
		// Marshal leaves the seq 0 for a record.Writer to number; this
		// one has its number already.
		prefix := []byte(`{"seq":` + strconv.FormatInt(rec.Seq, 10))
		line, err := record.Marshal(prefix, rec)
		if err != nil {
			return skipError{err}
		}
		line = append(line[:len(prefix)], line[len(prefix)+len(`{"seq":0`):]...)
		_, err = w.Write(line) // Marshal ends the line
		return err
	}
	if _, err := w.Write(line); err != nil {
		return err
	}
	_, err := w.Write([]byte{'\n'})
	return err
}
