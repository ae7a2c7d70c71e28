package record

import (
	"bytes"
	"errors"
	"time"
)

// Exec is one run of `listen --exec`'s command for the delivery recorded as
// DeliverySeq, written when the run is over:
//
//	{"seq":7,"kind":"exec","delivery_seq":6,"exit_code":0,"timed_out":false,"duration_ms":12.3,
//	 "stdout_excerpt":"...","stderr_excerpt":"...","callback":{"url":"...","status":200}}
//
// ExitCode is -1 for a command that was killed or never ran; Error then says
// which.
type Exec struct {
	Seq           int64         `json:"seq"`
	Kind          string        `json:"kind"` // always KindExec
	DeliverySeq   int64         `json:"delivery_seq"`
	DeliveryID    string        `json:"delivery_id,omitempty"`
	StartedAt     time.Time     `json:"started_at"`
	ExitCode      int           `json:"exit_code"`
	TimedOut      bool          `json:"timed_out"`
	Killed        bool          `json:"killed,omitempty"`  // at shutdown, after the drain limit
	NotRun        bool          `json:"not_run,omitempty"` // still queued at the drain limit
	DurationMS    float64       `json:"duration_ms"`
	StdoutExcerpt string        `json:"stdout_excerpt"`
	StderrExcerpt string        `json:"stderr_excerpt"`
	Callback      *ExecCallback `json:"callback,omitempty"`
	Error         string        `json:"error,omitempty"`
}

// ExecCallback is what became of posting a run's output to the delivery's
// callback URL: the answer's Status, or Error when none came, or Skipped
// when nothing was posted and why ("the command exited 1").
type ExecCallback struct {
	URL     string `json:"url"`
	Status  int    `json:"status,omitempty"`
	Error   string `json:"error,omitempty"`
	Skipped string `json:"skipped,omitempty"`
}

// MarshalExec appends e as one record line for Writer.Append, its seq left
// 0 for Append to fill in, and sets its Kind.
func MarshalExec(dst []byte, e *Exec) ([]byte, error) {
	enc := encoders.Get().(*encoder)
	defer encoders.Put(enc)
	enc.buf.Reset()
	c := *e
	c.Seq, c.Kind = 0, KindExec
	if err := enc.enc.Encode(&c); err != nil {
		return dst, err
	}
	line := enc.buf.Bytes()
	if !bytes.HasPrefix(line, seqPrefix) { // Seq is the struct's first field
		return dst, errors.New("record: an exec line must start with its seq")
	}
	return append(dst, line...), nil
}
