package probe

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// receiver is a reference webhook receiver, as a user would write one: it
// verifies the signature, parses the JSON, deduplicates by delivery id and
// posts one plain-text callback per new Permission Assist delivery. Each
// flag breaks it in one way, the way receivers are broken in practice.
type receiver struct {
	scheme signature.Scheme
	secret string   // what it verifies with
	more   []string // further secrets it verifies with, as during a rotation

	firstSecretOnly    bool // tries only secret, never more
	firstSignatureOnly bool // checks only the first signature in the header
	webhookHeadersOnly bool // standard: knows webhook-*, not the svix-* names

	acceptUnsigned    bool          // a delivery without a signature header goes through
	ignoreStale       bool          // an old timestamp goes through
	acceptFuture      bool          // checks only how old a timestamp is, not how far ahead
	acceptWrongSecret bool          // bearer: checks that a token is there, not which
	acceptTampered    bool          // verifies a cached copy of the payload rather than the bytes it got
	strictFields      bool          // 500 on a field it does not know
	badJSON500        bool          // 500 on a body that does not parse
	badJSON200        bool          // 200 on a body that does not parse
	slow              time.Duration // works before answering
	rejectDuplicates  bool          // 409 on a redelivery
	processDuplicates bool          // processes a redelivery again: a second callback
	neverCallBack     bool
	asyncCallback     bool   // posts the callback after answering, as a background job would
	callbackType      string // "" means text/plain; charset=utf-8
	reserialize       bool   // verifies the body compacted (parsed and written out again), not the bytes received
	showExpected      bool   // a 401 says the signature it computed
	rejection         string // the body of every 401 ("" means "bad signature", and what showExpected adds)
	// callbackVia is the callback URL as the receiver's network reaches
	// it (a container's, where the host has another name); nil: as given.
	callbackVia func(string) string

	mu       sync.Mutex
	seen     map[string]bool
	accepted [][]byte // bodies that passed verification, for acceptTampered
	jobs     sync.WaitGroup
}

// knownKeys is every object key in the bundled fixtures: what a strict
// receiver's types declare.
var knownKeys = func() map[string]bool {
	keys := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch c := v.(type) {
		case map[string]any:
			for k, x := range c {
				keys[k] = true
				walk(x)
			}
		case []any:
			for _, x := range c {
				walk(x)
			}
		}
	}
	for _, n := range fixture.Names() {
		raw, _ := fixture.Load(n)
		var v any
		_ = json.Unmarshal(raw, &v)
		walk(v)
	}
	return keys
}()

func hasUnknownKey(v any) bool {
	switch c := v.(type) {
	case map[string]any:
		for k, x := range c {
			if !knownKeys[k] || hasUnknownKey(x) {
				return true
			}
		}
	case []any:
		for _, x := range c {
			if hasUnknownKey(x) {
				return true
			}
		}
	}
	return false
}

func (rc *receiver) verify(h http.Header, body []byte) bool {
	opts := signature.VerifyOptions{Scheme: rc.scheme}
	if rc.scheme != signature.None {
		opts.Secrets = []string{rc.secret}
		if !rc.firstSecretOnly {
			opts.Secrets = append(opts.Secrets, rc.more...)
		}
	}
	h = rc.asRead(h)
	res := signature.Verify(opts, h, body)
	if res.Valid {
		return true
	}
	switch res.Kind {
	case signature.MissingHeader:
		return rc.acceptUnsigned
	case signature.StaleTimestamp:
		return rc.ignoreStale
	case signature.FutureTimestamp:
		return rc.acceptFuture
	case signature.NoMatch:
		if rc.acceptWrongSecret && strings.HasPrefix(h.Get("Authorization"), "Bearer ") {
			return true
		}
		return rc.acceptTampered && rc.matchesCached(h, body)
	}
	return false
}

// asRead is the headers as the receiver reads them: the firstSignatureOnly
// bug keeps the first signature of the header, the webhookHeadersOnly one
// does not see the svix-* names.
func (rc *receiver) asRead(h http.Header) http.Header {
	h = h.Clone()
	if rc.webhookHeadersOnly {
		for _, n := range []string{"svix-id", "svix-timestamp", "svix-signature"} {
			h.Del(n)
		}
	}
	if !rc.firstSignatureOnly {
		return h
	}
	if f := strings.Fields(h.Get("webhook-signature")); len(f) > 0 {
		h.Set("webhook-signature", f[0])
	}
	if v := h.Get("Stripe-Signature"); v != "" {
		var kept []string
		v1 := false
		for _, item := range strings.Split(v, ",") {
			if strings.HasPrefix(item, "v1=") {
				if v1 {
					continue
				}
				v1 = true
			}
			kept = append(kept, item)
		}
		h.Set("Stripe-Signature", strings.Join(kept, ","))
	}
	return h
}

// expected is the signature the receiver computed over body, as the
// scheme writes it: what a receiver that logs its mismatches shows.
func (rc *receiver) expected(h http.Header, body []byte) string {
	ts, _ := strconv.ParseInt(h.Get("webhook-timestamp"), 10, 64)
	hs, err := signature.Sign(rc.scheme, rc.secret, h.Get("webhook-id"), time.Unix(ts, 0), body)
	if err != nil || len(hs) == 0 {
		return ""
	}
	return hs[len(hs)-1].Value
}

// matchesCached is the acceptTampered bug: the signature is checked against
// a payload of the same size it accepted before, not against these bytes.
func (rc *receiver) matchesCached(h http.Header, body []byte) bool {
	rc.mu.Lock()
	cached := append([][]byte(nil), rc.accepted...)
	rc.mu.Unlock()
	for _, b := range cached {
		if len(b) == len(body) && signature.Verify(signature.VerifyOptions{Scheme: rc.scheme, Secrets: []string{rc.secret}}, h, b).Valid {
			return true
		}
	}
	return false
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	checked := body
	if rc.reserialize {
		var buf bytes.Buffer
		if json.Compact(&buf, body) == nil {
			checked = buf.Bytes()
		}
	}
	if !rc.verify(r.Header, checked) {
		msg := cmp.Or(rc.rejection, "bad signature")
		if rc.showExpected {
			msg += "; expected " + rc.expected(r.Header, checked)
		}
		http.Error(w, msg, http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	rc.accepted = append(rc.accepted, body)
	rc.mu.Unlock()
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		switch {
		case rc.badJSON500:
			http.Error(w, "internal error", http.StatusInternalServerError)
		case rc.badJSON200:
			io.WriteString(w, "ok")
		default:
			http.Error(w, "body is not JSON", http.StatusBadRequest)
		}
		return
	}
	if rc.strictFields && hasUnknownKey(doc) {
		http.Error(w, "json: unknown field", http.StatusInternalServerError)
		return
	}
	id := r.Header.Get("webhook-id")
	if s, ok := doc["id"].(string); ok && id == "" {
		id = s
	}
	if id == "" {
		sum := sha256.Sum256(body)
		id = hex.EncodeToString(sum[:])
	}
	rc.mu.Lock()
	dup := rc.seen[id]
	if rc.seen == nil {
		rc.seen = map[string]bool{}
	}
	rc.seen[id] = true
	rc.mu.Unlock()
	switch {
	case dup && rc.rejectDuplicates:
		http.Error(w, "already processed", http.StatusConflict)
		return
	case dup && !rc.processDuplicates:
		io.WriteString(w, "duplicate, ignored")
		return
	}
	cbURL, _ := doc["callback"].(string)
	if cbURL != "" && !rc.neverCallBack {
		if rc.asyncCallback {
			rc.jobs.Add(1)
			go func() { defer rc.jobs.Done(); rc.callBack(cbURL) }()
		} else {
			rc.callBack(cbURL)
		}
	}
	if rc.slow > 0 {
		time.Sleep(rc.slow) // the work a slow receiver does before answering
	}
	io.WriteString(w, "ok")
}

func (rc *receiver) callBack(u string) {
	if rc.callbackVia != nil {
		u = rc.callbackVia(u)
	}
	ct := rc.callbackType
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	resp, err := http.Post(u, ct, bytes.NewBufferString("Provisioning complete. User rjohnson removed from cash advance group."))
	if err == nil {
		resp.Body.Close()
	}
}
