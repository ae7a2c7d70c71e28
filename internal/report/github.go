package report

import (
	"strconv"
	"strings"
)

// Annotation is one GitHub Actions workflow command that marks a line of a
// file in the run and in a pull request's diff:
// ::error file=PATH,line=L,col=C,title=TITLE::MESSAGE
type Annotation struct {
	Level   string // "error", "warning" or "notice"; "" means error
	File    string
	Line    int // 0 leaves it out
	Col     int // 0 leaves it out
	Title   string
	Message string
}

// String is the workflow command, without a line break. Property values
// escape %, CR, LF, ':' and ','; the message escapes %, CR and LF, as the
// runner's parser expects, so a pointer or a path with a comma cannot cut a
// property short and a message with a line break stays one command.
func (a Annotation) String() string {
	level := a.Level
	if level == "" {
		level = "error"
	}
	var props []string
	if a.File != "" {
		props = append(props, "file="+escapeProperty(a.File))
	}
	if a.Line > 0 {
		props = append(props, "line="+strconv.Itoa(a.Line))
	}
	if a.Col > 0 {
		props = append(props, "col="+strconv.Itoa(a.Col))
	}
	if a.Title != "" {
		props = append(props, "title="+escapeProperty(a.Title))
	}
	cmd := "::" + level
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	return cmd + "::" + escapeData(a.Message)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
