// Package curl builds the one curl command line that sends a recorded
// request again ("Copy as curl"), quoted for a POSIX shell (sh, dash, bash,
// zsh) so that no byte of the record can leave the argument it belongs to.
//
// A record is written by whoever sent the request, or by whoever wrote the
// record file: its method, path, query, headers and body are all hostile
// text. Every one of them is quoted: printable text between single quotes,
// and every other byte (a control character, a byte that is not UTF-8, a
// bidi override) written as an octal escape that printf turns back into the
// byte, so the command can be pasted into a terminal without a control
// character reaching its line editor. The body is never an argument: it is
// piped from printf to `--data-binary @-`, which sends any bytes (NUL
// included, and a body starting with @ is not a file name), and is not
// bound by the kernel's limit on one argument's length.
package curl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/replay"
)

// Command is a curl command line that repeats a recorded request.
type Command struct {
	// Argv is what curl gets, "curl" first.
	Argv []string
	// Stdin is the body, which printf pipes to curl; nil when there is
	// none.
	Stdin []byte
	// Left says what the command does not send as recorded, and why: one
	// line each.
	Left []string
	// Text is Argv and Stdin as one command for a POSIX shell.
	Text string
}

// ErrNUL is why a method or URL holding a NUL byte cannot be a command:
// no argument of a process can hold one.
var ErrNUL = errors.New("holds a NUL byte, which no command line can carry")

// New builds the command that sends rec to its recorded path and query
// below base (as replay maps them: replay.URL), with its recorded headers
// (those replay sends without re-signing) and its body's exact bytes. mask
// hides secrets in each part before it is quoted; nil masks nothing.
func New(rec *record.Record, base string, mask func(string) string) (Command, error) {
	if mask == nil {
		mask = func(s string) string { return s }
	}
	if rec.Method == "" {
		return Command{}, fmt.Errorf("#%d is not a request", rec.Seq)
	}
	body, err := rec.RawBody()
	if err != nil {
		return Command{}, err
	}
	var c Command
	method, url := mask(rec.Method), mask(replay.URL(rec, base))
	switch {
	case strings.IndexByte(method, 0) >= 0:
		return Command{}, fmt.Errorf("#%d cannot be a curl command: its method %w", rec.Seq, ErrNUL)
	case strings.IndexByte(url, 0) >= 0:
		return Command{}, fmt.Errorf("#%d cannot be a curl command: its URL %w", rec.Seq, ErrNUL)
	}
	// curl expands {a,b} and [1-9] in a URL into several requests unless
	// told not to.
	c.Argv = []string{"curl", "--globoff", "-X", method, "--url", url}
	typed := false
	for _, name := range slices.Sorted(maps.Keys(rec.Headers)) {
		if record.Redacted(rec.Headers[name]) {
			c.Left = append(c.Left, fmt.Sprintf("header %s: masked (it holds a secret)", name))
		}
	}
	hs := replay.Headers(rec, false)
	for _, name := range slices.Sorted(maps.Keys(hs)) {
		value := mask(hs.Get(name))
		switch {
		case !validName(name) || !validValue(value):
			c.Left = append(c.Left, fmt.Sprintf("header %q: not a valid HTTP header, so no client sends it", name))
			continue
		case strings.Contains(value, redact.Mask):
			c.Left = append(c.Left, fmt.Sprintf("header %s: masked (it holds a secret)", name))
			continue
		}
		typed = typed || name == "Content-Type"
		if strings.Trim(value, " \t") == "" {
			// "Name:" and nothing but blanks would tell curl to send no
			// such header.
			c.Argv = append(c.Argv, "-H", name+";")
		} else {
			c.Argv = append(c.Argv, "-H", name+": "+value)
		}
	}
	if len(body) > 0 {
		if m := mask(string(body)); m != string(body) {
			c.Left = append(c.Left, "the body holds text of a secret, masked here")
			body = []byte(m)
		}
		if !typed {
			// Else curl says the body is a form.
			c.Argv = append(c.Argv, "-H", "Content-Type:")
		}
		c.Argv = append(c.Argv, "--data-binary", "@-")
		c.Stdin = body
	}
	c.Text = render(c.Argv, c.Stdin)
	return c, nil
}

// validName reports whether name is an HTTP token, the only header names
// a client sends (curl reads a file for an -H argument starting with @).
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validValue reports whether v can be a header's value: no control
// character but tab.
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// literal reports whether the rune r, n bytes long, is written as itself
// between single quotes: printable text and newlines. Anything else is
// written as octal escapes.
func literal(r rune, n int) bool {
	if r == utf8.RuneError && n < 3 {
		return false // a byte that is not UTF-8
	}
	return r == '\n' || unicode.IsPrint(r)
}

// render writes the command: printf's output piped to curl when there is
// a body, then curl's arguments, each -H and --data-binary on a line of its
// own. New's argv is "curl", --globoff, -X, the method, --url, the URL,
// then pairs of an option and its value: the options and @- are written
// as they are, every other value quoted.
func render(argv []string, stdin []byte) string {
	var b strings.Builder
	if stdin != nil {
		b.WriteString("printf ")
		b.WriteString(Format(stdin))
		b.WriteString(" | ")
	}
	b.WriteString("curl")
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		option := i == 1 || i == 2 || i == 4 || (i >= 6 && i%2 == 0)
		switch {
		case option && i >= 6:
			b.WriteString(" \\\n  ")
		default:
			b.WriteByte(' ')
		}
		if option || (stdin != nil && i == len(argv)-1) {
			b.WriteString(a) // an option, or --data-binary's @-
		} else {
			b.WriteString(Quote(a))
		}
	}
	return b.String()
}

// Quote is s as one shell word: runs of printable text between single
// quotes (a quote in them ends the quotes, is escaped with a backslash and
// opens them again), other runs as "$(printf '\ooo...')". The
// printed runs never end in a newline, which $(...) would drop: newlines
// are written as themselves. s must hold no NUL byte.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	open := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if literal(r, n) {
			if !open {
				b.WriteByte('\'')
				open = true
			}
			if r == '\'' {
				b.WriteString(`'\''`)
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		if open {
			b.WriteByte('\'')
			open = false
		}
		b.WriteString(`"$(printf '`)
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if literal(r, n) {
				break
			}
			octal(&b, s[i:i+n])
			i += n
		}
		b.WriteString(`')"`)
	}
	if open {
		b.WriteByte('\'')
	}
	return b.String()
}

// Format is printf's format that prints body exactly, single-quoted: a
// percent sign doubled, a backslash doubled, other bytes that are not
// printable text as \ooo. A leading "-" is escaped too, or printf would
// take it for an option.
func Format(body []byte) string {
	var b strings.Builder
	b.Grow(len(body) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		switch {
		case i == 0 && r == '-':
			octal(&b, "-")
		case r == '%':
			b.WriteString("%%")
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`'\''`)
		case literal(r, n):
			b.Write(body[i : i+n])
		default:
			octal(&b, string(body[i:i+n]))
		}
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// octal writes each byte of s as printf's \ooo, always three digits so
// that a digit after it is not read as part of it.
func octal(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.Write([]byte{'\\', '0' + c>>6, '0' + c>>3&7, '0' + c&7})
	}
}
