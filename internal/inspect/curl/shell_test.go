package curl

import (
	"errors"
	"fmt"
	"strings"
)

// parseCommand is the test's oracle: it reads text as a POSIX shell reads
// it, for the few forms a command may use, and fails on anything else, so
// that a byte that leaves its quotes (a ; & | $ ` or a bare newline) is an
// error rather than a different command. It returns curl's argv and what
// printf pipes to it.
//
// The forms: words separated by blanks and backslash-newlines; in a word,
// bare letters, digits and @%+=:,./_- , '...' (every byte as it is), \c
// (c itself) and "$(printf 'FORMAT')" (what printf prints, trailing
// newlines dropped as $(...) drops them); one | between printf FORMAT and
// curl.
func parseCommand(text string) (argv []string, stdin []byte, err error) {
	words, err := lex(text)
	if err != nil {
		return nil, nil, err
	}
	var stages [][]string
	cur := []string{}
	for _, w := range words {
		if w == nil {
			stages = append(stages, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, *w)
	}
	stages = append(stages, cur)
	switch len(stages) {
	case 1:
	case 2:
		p := stages[0]
		if len(p) != 2 || p[0] != "printf" {
			return nil, nil, fmt.Errorf("the first stage is %q, not printf FORMAT", p)
		}
		if stdin, err = printf(p[1]); err != nil {
			return nil, nil, err
		}
		if stdin == nil {
			stdin = []byte{}
		}
	default:
		return nil, nil, fmt.Errorf("%d stages in the pipeline", len(stages))
	}
	argv = stages[len(stages)-1]
	if len(argv) == 0 || argv[0] != "curl" {
		return nil, nil, fmt.Errorf("the command is %q, not curl", argv)
	}
	return argv, stdin, nil
}

// lex splits text into words; a nil word is a pipe.
func lex(text string) ([]*string, error) {
	var words []*string
	i := 0
	for i < len(text) {
		switch c := text[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '\\' && i+1 < len(text) && text[i+1] == '\n':
			i += 2
		case c == '|':
			if i+1 < len(text) && text[i+1] == '|' {
				return nil, errors.New("|| outside quotes")
			}
			words = append(words, nil)
			i++
		default:
			w, n, err := word(text[i:])
			if err != nil {
				return nil, fmt.Errorf("at byte %d: %w", i, err)
			}
			words = append(words, &w)
			i += n
		}
	}
	return words, nil
}

const bare = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-"

// word reads one word from the start of s and returns it and its length
// in s.
func word(s string) (string, int, error) {
	var b strings.Builder
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '|':
			return b.String(), i, nil
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return "", 0, errors.New("an unclosed single quote")
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case c == '\\':
			if i+1 >= len(s) {
				return "", 0, errors.New("a backslash at the end")
			}
			if s[i+1] != '\n' { // a line continuation is dropped
				b.WriteByte(s[i+1])
			}
			i += 2
		case c == '"':
			const open = `"$(printf '`
			if !strings.HasPrefix(s[i:], open) {
				return "", 0, errors.New(`a double quote that is not "$(printf '...')"`)
			}
			j := strings.IndexByte(s[i+len(open):], '\'')
			if j < 0 || !strings.HasPrefix(s[i+len(open)+j:], `')"`) {
				return "", 0, errors.New(`an unclosed "$(printf '...')"`)
			}
			out, err := printf(s[i+len(open) : i+len(open)+j])
			if err != nil {
				return "", 0, err
			}
			b.WriteString(strings.TrimRight(string(out), "\n"))
			i += len(open) + j + len(`')"`)
		case strings.IndexByte(bare, c) >= 0:
			b.WriteByte(c)
			i++
		default:
			return "", 0, fmt.Errorf("%q outside quotes", c)
		}
	}
	return b.String(), i, nil
}

// printf is what printf prints for format with no arguments, for the
// escapes Format writes: %%, \\ and \ooo. Any other % or \ is an error, as
// is a format printf would take for an option.
func printf(format string) ([]byte, error) {
	if strings.HasPrefix(format, "-") {
		return nil, errors.New("a printf format starting with -")
	}
	var out []byte
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch c {
		case '%':
			if i+1 >= len(format) || format[i+1] != '%' {
				return nil, fmt.Errorf("a printf conversion in %q", format)
			}
			out = append(out, '%')
			i++
		case '\\':
			if i+1 < len(format) && format[i+1] == '\\' {
				out = append(out, '\\')
				i++
				continue
			}
			v, n := 0, 0
			for n < 3 && i+1+n < len(format) && format[i+1+n] >= '0' && format[i+1+n] <= '7' {
				v = v*8 + int(format[i+1+n]-'0')
				n++
			}
			if n == 0 || v > 0xff {
				return nil, fmt.Errorf("an escape printf does not take in %q", format)
			}
			out = append(out, byte(v))
			i += n
		default:
			out = append(out, c)
		}
	}
	return out, nil
}
