// Package callback answers a Permission Assist delivery through its callback
// URL: it assembles the plain-text message (words, standard input or a file,
// bytes kept as they are), finds the URL in a delivery or a `listen --record`
// line, checks both, and posts the message once — retrying only when the
// request never reached the server, because Permission Assist logs every
// callback in the access request's Activity and a duplicate would show twice
// (delivery.Send with the delivery.RetryNotSent policy). Its StandIn is the
// other end: the loopback callback endpoint probe and scenario serve, which
// takes a callback URL once, as Permission Assist does.
package callback

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// DefaultMaxSize is the largest message sent without --max-size: a callback
// is a line or a paragraph for a person to read in an Activity log, so a
// bigger one is almost always the wrong file.
const DefaultMaxSize = 64 << 10

// InputError is a problem with what the user gave (message, URL, payload):
// the command exits 2 and shows Hint when there is one.
type InputError struct {
	Msg  string
	Hint string
}

func (e *InputError) Error() string { return e.Msg }

func inputErr(hint, format string, args ...any) *InputError {
	return &InputError{Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// JoinWords makes a message from command-line words, joined by single spaces
// as echo does; each word is kept as typed, including newlines inside quotes.
func JoinWords(words []string) []byte {
	return []byte(strings.Join(words, " "))
}

// ReadMessage reads a whole message from r, but never more than limit+1
// bytes, so a runaway pipe fails fast with a size error instead of filling
// memory. name says where it came from in errors ("standard input", a path).
func ReadMessage(r io.Reader, limit int, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, inputErr("", "cannot read %s: %v", name, err)
	}
	if len(b) > limit {
		return nil, sizeErr(name, -1, limit)
	}
	return b, nil
}

// CheckMessage refuses what must not be sent: nothing (or only whitespace,
// which would log a blank Activity entry), more than limit bytes, or bytes
// that are not UTF-8 (the body is declared charset=utf-8).
func CheckMessage(msg []byte, limit int) error {
	if len(bytes.TrimSpace(msg)) == 0 {
		return inputErr("give the message as words, - to read it from standard input, or --file FILE", "the message is empty")
	}
	if len(msg) > limit {
		return sizeErr("the message", len(msg), limit)
	}
	if !utf8.Valid(msg) {
		off := 0
		for off < len(msg) {
			r, n := utf8.DecodeRune(msg[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return inputErr("the body is sent as text/plain; charset=utf-8: convert it first, e.g. iconv -f LATIN1 -t UTF-8",
			"the message is not valid UTF-8 (bad byte at offset %d)", off)
	}
	return nil
}

func sizeErr(name string, size, limit int) error {
	hint := fmt.Sprintf("raise the limit with --max-size (e.g. --max-size %s) if the receiver takes it", input.FormatSize(int64(limit)*2))
	if size < 0 {
		return inputErr(hint, "%s is over the %s message limit", name, input.FormatSize(int64(limit)))
	}
	return inputErr(hint, "%s is %d bytes, over the %s limit", name, size, input.FormatSize(int64(limit)))
}

// ParseURL accepts only absolute http and https URLs with a host: anything
// else is a mistake (a missing scheme, a file path, a message in the URL's
// place) that must not be "fixed" by guessing.
func ParseURL(raw string) (*url.URL, error) {
	u, err := delivery.CheckURL(raw)
	if withHTTP, ok := delivery.WithoutScheme(raw); err != nil && ok {
		// Not guessed: a callback is recorded in the access request's
		// Activity, and goes where the payload says.
		return nil, inputErr("did you mean "+withHTTP+"? (give the scheme: a callback is never sent to a guessed URL)",
			"invalid callback URL %q: %v", raw, err)
	}
	if err != nil {
		return nil, inputErr("the callback URL looks like https://pa.example.com/webhooks/callback/ID (it is the payload's callback field; --from-payload reads it for you)",
			"invalid callback URL %q: %v", raw, err)
	}
	return u, nil
}

// PlainHTTPToRemote reports whether u sends the message unencrypted off this
// machine: plain http to a host that is not loopback. "localhost" counts as
// loopback (it resolves there by convention, RFC 6761).
func PlainHTTPToRemote(u *url.URL) bool {
	if !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return false
	}
	return true
}
