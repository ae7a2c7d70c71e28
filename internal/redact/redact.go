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

	// filter has a bit set for each window (see has): Mask looks at every
	// position of every header value of every delivery, where a secret
	// almost never is, and a bit test is a fraction of a map lookup.
	filter []uint64
	// quarters has a bit set for the 4 bytes at each of a window's first
	// four offsets: a window in text starts at most 3 bytes before a
	// position divisible by 4, so text none of whose 4 bytes at such
	// positions has its bit set holds no window (mayHold), and Mask reads
	// a quarter of its positions to know.
	quarters []uint64
	shift    uint // of a hash, for its bit's number
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
	// About 64 bits a window, so one position in a hundred or fewer
	// passes the filter without being a window.
	bits := uint(12)
	for 1<<bits < 64*len(r.windows) && bits < 22 {
		bits++
	}
	r.filter = make([]uint64, 1<<(bits-6))
	r.quarters = make([]uint64, 1<<(bits-6))
	r.shift = 64 - bits
	for w := range r.windows {
		h := r.hash(w)
		r.filter[h>>6] |= 1 << (h & 63)
		// The window's 4 bytes at offsets 0 to 3: the first position
		// divisible by 4 in it is one of those, wherever it starts.
		for k := range 4 {
			h := r.hash(w >> (8 * k) & 0xffffffff)
			r.quarters[h>>6] |= 1 << (h & 63)
		}
	}
	return r
}

// mayHold reports whether s may hold a window: false when none of the 4
// bytes at its positions divisible by 4 are 4 bytes of a window.
func (r *Runs) mayHold(s string) bool {
	for p := 0; p+4 <= len(s); p += 4 {
		h := r.hash(uint64(binary.LittleEndian.Uint32([]byte(s[p : p+4]))))
		if r.quarters[h>>6]&(1<<(h&63)) != 0 {
			return true
		}
	}
	return false
}

func (r *Runs) hash(w uint64) uint64 { return (w * 0x9e3779b97f4a7c15) >> r.shift }

// has reports whether w is a window of a secret's form.
func (r *Runs) has(w uint64) bool {
	h := r.hash(w)
	if r.filter[h>>6]&(1<<(h&63)) == 0 {
		return false
	}
	_, ok := r.windows[w]
	return ok
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
	if r == nil || r.filter == nil || len(s) < MinRun || !r.mayHold(s) {
		return s
	}
	var b strings.Builder
	last := 0 // s[:last] is in b
	for i := 0; i+MinRun <= len(s); {
		if !r.has(window(s, i)) {
			i++
			continue
		}
		end := i + MinRun
		for end < len(s) && r.has(window(s, end+1-MinRun)) {
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
