package route

import (
	"errors"
	"strings"
)

// SplitWords cuts s into words as a shell does, without expanding
// anything: blanks separate words; '...' keeps everything in it as it is;
// "..." too, but for \" and \\; outside quotes, \ keeps the next character.
// Quotes may open anywhere in a word, so body='a b' and 'body=a b' are the
// same word. An unclosed quote is an error.
//
// It reads the inline forms of --respond and --forward-to:
//
//	status=503 times=2 body='try ${delivery.id} again'
func SplitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("a ' that is not closed")
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			j, err := doubleQuoted(s, i+1, &w)
			if err != nil {
				return nil, err
			}
			i = j
			inWord = true
		case c == '\\':
			if i+1 == len(s) {
				return nil, errors.New("a \\ at the end, with nothing to keep")
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// doubleQuoted copies the text of a "..." that starts at s[from] to w and
// returns the index of the closing quote.
func doubleQuoted(s string, from int, w *strings.Builder) (int, error) {
	for j := from; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return j, nil
		case c == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\'):
			j++
			w.WriteByte(s[j])
		default:
			w.WriteByte(c)
		}
	}
	return 0, errors.New(`a " that is not closed`)
}
