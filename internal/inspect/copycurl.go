package inspect

import (
	"encoding/json"
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/inspect/curl"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// curlAnswer is GET /api/deliveries/{seq}/curl's answer: the command Copy
// as curl copies, the arguments it gives curl, and what it leaves out.
type curlAnswer struct {
	Command string   `json:"command"`
	Argv    []string `json:"argv"`
	Left    []string `json:"left_out"`
}

// curl is GET /api/deliveries/{seq}/curl?to=URL: the record as a curl
// command (package curl) that sends it to its recorded path and query
// below to, as Replay would; without to, below listen's own URL, else
// --forward-to (inspect --to), else the placeholder URL.
//
// Each part is masked before it is quoted, and the answer is not masked
// again as a whole: masking the quoted text could cut a quote out of it.
func (s *Server) curl(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqOf(r)
	if !ok {
		s.fail(w, http.StatusBadRequest, "not a record seq: "+r.PathValue("seq"))
		return
	}
	rec, ok := s.record(w, seq)
	if !ok {
		return
	}
	base := r.URL.Query().Get("to")
	for _, b := range []string{s.cfg.Listener, shownURL(s.cfg.ReplayTo), "URL"} {
		if base == "" {
			base = b
		}
	}
	var err error
	if rec.Headers, err = shownHeaders(rec.Headers); err != nil {
		s.fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	c, err := curl.New(rec, base, s.scrub.Mask)
	if err != nil {
		s.fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	b, err := json.Marshal(curlAnswer{Command: c.Text, Argv: c.Argv, Left: append([]string{}, c.Left...)})
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "cannot encode the answer")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(append(b, '\n'))
}

// shownHeaders are h masked as the detail shows them (redact.RecordLine): a
// file from elsewhere may hold a signature header listen would have
// masked.
func shownHeaders(h record.Headers) (record.Headers, error) {
	b, err := json.Marshal(map[string]record.Headers{"headers": h})
	if err != nil {
		return nil, err
	}
	m, err := redact.RecordLine(b)
	if err != nil {
		return nil, err
	}
	var out record.Headers
	err = json.Unmarshal(m["headers"], &out)
	return out, err
}
