// Package redact owns secret masking: every place webhook-tool shows,
// logs or records text that may hold a secret asks it what to hide.
//
//   - Header masks a header by its name (Authorization keeps its scheme
//     word, a credential-named header becomes ****), and RecordLine does so
//     for a record line read from a file.
//   - Masker masks the configured secrets' whole text, escaped or not,
//     where a listener puts what a client sent: a path, a query, a header
//     value, a URL, an app's answer.
//   - Runs masks what is left of a secret in text the tool shows but did
//     not write (a header value cut short in a reason, a server's answer
//     that echoes a token): any run of MinRun or more of its characters,
//     plain or in its base64 and hex forms, so a secret cut at 32
//     characters or split across an excerpt is masked too. Writer and Error
//     apply it to a command's output and error.
package redact

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/url"
	"strings"
)

// MinRun is the shortest run of a secret's characters that is masked: 8
// characters of a random key are 48 bits or more of it, too much to leave
// in a log, while shorter runs of ordinary text (a word, a timestamp) would
// match a secret by chance.
const MinRun = 8

// Mask is what a masked run is replaced with.
const Mask = "****"

// Runs finds runs of secrets' characters in text. The zero value and nil
// mask nothing.
type Runs struct {
	windows map[uint64]struct{} // every MinRun-byte window of every form
}

// New returns a Runs for secrets; those shorter than MinRun are left to
// whole-value masking. It returns nil when there is nothing to find.
func New(secrets []string) *Runs {
	r := &Runs{windows: map[uint64]struct{}{}}
	for _, s := range secrets {
		if len(s) < MinRun {
			continue
		}
		forms := []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)), hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s)))}
		if key, ok := strings.CutPrefix(s, "whsec_"); ok && len(key) >= MinRun {
			forms = append(forms, key) // the Standard Webhooks key alone
		}
		for _, f := range forms {
			for i := 0; i+MinRun <= len(f); i++ {
				r.windows[window(f, i)] = struct{}{}
			}
		}
	}
	if len(r.windows) == 0 {
		return nil
	}
	return r
}

func window(s string, i int) uint64 {
	var b [MinRun]byte
	copy(b[:], s[i:i+MinRun])
	return binary.LittleEndian.Uint64(b[:])
}

// Mask replaces every run of MinRun or more characters of a secret (a run
// each of whose MinRun-byte windows is in one of its forms) with Mask. It
// returns s itself when there is none.
func (r *Runs) Mask(s string) string {
	if r == nil || len(s) < MinRun {
		return s
	}
	var b strings.Builder
	last := 0 // s[:last] is in b
	for i := 0; i+MinRun <= len(s); {
		if _, ok := r.windows[window(s, i)]; !ok {
			i++
			continue
		}
		end := i + MinRun
		for end < len(s) {
			if _, ok := r.windows[window(s, end+1-MinRun)]; !ok {
				break
			}
			end++
		}
		b.WriteString(s[last:i])
		b.WriteString(Mask)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Contains reports whether s holds a run of a secret.
func (r *Runs) Contains(s string) bool { return r.Mask(s) != s }

// MaskEscaped masks s and, when s holds %-escapes or '+', what s
// unescapes to: a secret sent as secret%2Dtoken (escaping what needs no
// escape) is found too, and then the whole of s is masked.
func (r *Runs) MaskEscaped(s string) string {
	if r == nil {
		return s
	}
	s = r.Mask(s)
	if strings.ContainsAny(s, "%+") {
		if u, err := url.QueryUnescape(s); err == nil && r.Contains(u) {
			return Mask
		}
		if u, err := url.PathUnescape(s); err == nil && r.Contains(u) {
			return Mask
		}
	}
	return s
}

// MaskURL masks the secrets in a URL: its text, and each path segment and
// query value unescaped.
func (r *Runs) MaskURL(raw string) string {
	if r == nil {
		return raw
	}
	if !strings.ContainsAny(raw, "%+") {
		return r.Mask(raw) // nothing escaped: the text is all there is
	}
	rest, query, hasQuery := strings.Cut(raw, "?")
	segs := strings.Split(rest, "/")
	for i, s := range segs {
		segs[i] = r.MaskEscaped(s)
	}
	out := strings.Join(segs, "/")
	if !hasQuery {
		return out
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if ok {
			params[i] = r.MaskEscaped(k) + "=" + r.MaskEscaped(v)
		} else {
			params[i] = r.MaskEscaped(p)
		}
	}
	return out + "?" + strings.Join(params, "&")
}

// Writer is w with every Write masked; w itself when r is nil. Each Write
// is masked on its own, so it suits output written a line or more at a
// time.
func (r *Runs) Writer(w io.Writer) io.Writer {
	if r == nil {
		return w
	}
	return maskWriter{r, w}
}

type maskWriter struct {
	r *Runs
	w io.Writer
}

func (m maskWriter) Write(p []byte) (int, error) {
	s := m.r.Mask(string(p))
	if _, err := io.WriteString(m.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Error is err with its text masked; it unwraps to err, so callers still
// tell error kinds apart. It returns err itself when r is nil or err is nil.
func (r *Runs) Error(err error) error {
	if r == nil || err == nil {
		return err
	}
	return maskedError{r.Mask(err.Error()), err}
}

type maskedError struct {
	text string
	err  error
}

func (e maskedError) Error() string { return e.text }
func (e maskedError) Unwrap() error { return e.err }
