package inspect

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/replay"
)

//go:embed assets
var assets embed.FS

// Replayer re-sends one recorded delivery to a URL: `webhook-tool replay`'s
// code, given by the caller. An error is a request that cannot be replayed
// (a callback, a bad URL); a delivery that was sent and failed is an Outcome
// with OK false.
type Replayer interface {
	Replay(ctx context.Context, rec *record.Record, to string) (Outcome, error)
}

// Outcome is what a replay did, as POST /api/deliveries/{seq}/replay
// answers it: a line of `replay --output json`.
type Outcome = replay.Report

// Config is what a Server serves.
type Config struct {
	Store    *Store
	Replayer Replayer // nil: replays are refused
	// ReplayTo is where Replay sends when the page names no URL (listen's
	// --forward-to); Listener is listen's own URL, offered as a target.
	ReplayTo string
	Listener string
	// Secrets are masked wherever their text would appear in an answer.
	Secrets []string
	// Host is the host the inspector was asked to bind (--ui's host): a
	// name besides the loopback ones and IP addresses that Host may carry.
	Host string
	// Heartbeat is how often an idle event stream gets a comment, so
	// proxies and the browser keep it open (0: 15s).
	Heartbeat time.Duration
}

// Server is the inspector's HTTP handler: the page and its API.
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	scrub *redact.Runs // the secrets, wherever their text would appear
}

// maxLimit is the largest page GET /api/deliveries hands out.
const (
	defaultLimit = 100
	maxLimit     = 1000
	maxReplayReq = 4 << 20
)

// NewServer returns the handler for cfg.
func NewServer(cfg Config) *Server {
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), scrub: redact.New(cfg.Secrets)}
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(static)
	s.mux.Handle("GET /", files)
	s.mux.HandleFunc("GET /api/info", s.info)
	s.mux.HandleFunc("GET /api/deliveries", s.list)
	s.mux.HandleFunc("GET /api/deliveries/{seq}", s.detail)
	s.mux.HandleFunc("POST /api/deliveries/{seq}/replay", s.replay)
	s.mux.HandleFunc("GET /api/deliveries/{seq}/curl", s.curl)
	s.mux.HandleFunc("GET /api/diff", s.diffBodies)
	s.mux.HandleFunc("GET /api/stream", s.stream)
	return s
}

// ServeHTTP refuses what a web page other than the inspector's own could
// send, then answers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r.Host) {
		// DNS rebinding: a site whose name now points at 127.0.0.1.
		http.Error(w, "webhook-tool inspector: Host "+strconv.Quote(r.Host)+" is not this inspector's address", http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if why := s.foreign(r); why != "" {
			http.Error(w, "webhook-tool inspector: "+why, http.StatusForbidden)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// hostAllowed accepts an IP address, a loopback name and the --ui host.
// A DNS name that resolves to this machine is what DNS rebinding uses; an
// IP literal is not such a name.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "":
		return false
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return true
	case net.ParseIP(host) != nil:
		return true
	}
	return s.cfg.Host != "" && strings.EqualFold(host, s.cfg.Host)
}

// foreign says why a state-changing request did not come from the
// inspector's own page, or "" when it did.
func (s *Server) foreign(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "refused a " + site + " request"
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if o == "null" || err != nil || u.Scheme != "http" || !strings.EqualFold(u.Host, r.Host) {
			return "refused a request from origin " + strconv.Quote(o)
		}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return "a POST must be application/json"
	}
	return ""
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"cannot encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(s.scrub.Mask(string(b))), '\n'))
}

func (s *Server) fail(w http.ResponseWriter, status int, msg string) {
	s.writeJSON(w, status, map[string]string{"error": msg})
}

type infoAnswer struct {
	Info
	ReplayTo string `json:"replay_to"`
	Listener string `json:"listener,omitempty"`
	Replay   bool   `json:"replay"`
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, infoAnswer{Info: s.cfg.Store.Info(), ReplayTo: shownURL(s.cfg.ReplayTo),
		Listener: s.cfg.Listener, Replay: s.cfg.Replayer != nil})
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.fail(w, http.StatusBadRequest, "limit must be a positive number")
			return
		}
		limit = min(n, maxLimit)
	}
	var before int64
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			s.fail(w, http.StatusBadRequest, "before must be a record seq")
			return
		}
		before = n
	}
	s.writeJSON(w, http.StatusOK, s.cfg.Store.List(limit, before, ParseFilter(q.Get("q"))))
}

// shownURL is u without its password (user:xxxxx@), as listen's banner
// shows --forward-to: the page and the API never show it.
func shownURL(u string) string {
	if p, err := url.Parse(u); err == nil && p.User != nil {
		return p.Redacted()
	}
	return u
}

func seqOf(r *http.Request) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	return n, err == nil && n >= 0
}

// record is the record numbered seq; on false the answer (404, or 422 for
// a line that is not a record) is written.
func (s *Server) record(w http.ResponseWriter, seq int64) (*record.Record, bool) {
	rec, err := s.cfg.Store.Record(seq)
	if err != nil {
		s.failLookup(w, seq, err)
		return nil, false
	}
	return rec, true
}

// failLookup answers a failed lookup of record seq: 404 when there is none,
// 422 for a line that is not a record.
func (s *Server) failLookup(w http.ResponseWriter, seq int64, err error) {
	if errors.Is(err, ErrNotFound) {
		s.fail(w, http.StatusNotFound, fmt.Sprintf("no record %d", seq))
		return
	}
	s.fail(w, http.StatusUnprocessableEntity, err.Error())
}

func (s *Server) detail(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqOf(r)
	if !ok {
		s.fail(w, http.StatusBadRequest, "not a record seq: "+r.PathValue("seq"))
		return
	}
	d, err := s.cfg.Store.Detail(seq)
	if err != nil {
		s.failLookup(w, seq, err)
		return
	}
	addPrettyBody(d)
	s.writeJSON(w, http.StatusOK, d)
}

// replayRequest is POST /api/deliveries/{seq}/replay's body: To defaults to
// --forward-to; Body, when given, is sent instead of the recorded body
// (Edit and send), re-signed like it.
type replayRequest struct {
	To   string  `json:"to"`
	Body *string `json:"body"`
}

func (s *Server) replay(w http.ResponseWriter, r *http.Request) {
	seq, ok := seqOf(r)
	if !ok {
		s.fail(w, http.StatusBadRequest, "not a record seq: "+r.PathValue("seq"))
		return
	}
	if s.cfg.Replayer == nil {
		s.fail(w, http.StatusNotImplemented, "this inspector does not replay")
		return
	}
	var req replayRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReplayReq))
	if err := dec.Decode(&req); err != nil {
		s.fail(w, http.StatusBadRequest, "the body must be a JSON object like {\"to\":\"URL\"}: "+err.Error())
		return
	}
	to := req.To
	if to == "" {
		to = s.cfg.ReplayTo
	}
	if to == "" {
		s.fail(w, http.StatusBadRequest, "no URL to replay to: type one (listen's --forward-to is the default)")
		return
	}
	rec, ok := s.record(w, seq)
	if !ok {
		return
	}
	if req.Body != nil {
		rec.SetBody([]byte(*req.Body))
	}
	out, err := s.cfg.Replayer.Replay(r.Context(), rec, to)
	if err != nil {
		s.fail(w, http.StatusUnprocessableEntity, strings.ReplaceAll(err.Error(), to, shownURL(to)))
		return
	}
	out.URL = shownURL(out.URL)
	s.writeJSON(w, http.StatusOK, out)
}

// stream is GET /api/stream: one "data:" line per new row (a delivery or
// callback, or a delivery whose callbacks or exec runs changed), as
// server-sent events, filtered by q like the list.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		s.fail(w, http.StatusInternalServerError, "streaming is not supported here")
		return
	}
	sub := s.cfg.Store.Subscribe(ParseFilter(r.URL.Query().Get("q")))
	defer sub.Close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(": webhook-tool inspector\n\n"))
	fl.Flush()
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		case row, ok := <-sub.C:
			if !ok {
				return // fell behind: the page reconnects and reloads
			}
			b, _ := json.Marshal(row.cut())
			if _, err := fmt.Fprintf(w, "data: %s\n\n", s.scrub.Mask(string(b))); err != nil {
				return
			}
		}
		fl.Flush()
	}
}
