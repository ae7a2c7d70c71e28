// Package samples reads the payloads a user hands `schemas infer` and
// `schemas drift`: payload files, directories, globs, standard input, and
// record files (what `listen --record` writes), each recorded delivery's
// body one sample. It streams: a record file of any length is read a line
// at a time and handed to a fixed set of workers through a short queue, so
// memory is bounded by the lines in flight, not by the file.
package samples

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// StdinName is how standard input is named in reports.
const StdinName = "<stdin>"

// Source is one input to read: a file, or standard input.
type Source struct {
	Name  string // the path as given or found, or StdinName
	stdin bool
}

// Stdin reports whether the source is standard input.
func (s Source) Stdin() bool { return s.stdin }

// walkExts are the files a directory walk takes: payload files and record
// files.
var walkExts = []string{".json", ".ndjson", ".jsonl"}

// Expand turns arguments into sources, in the order given: "-" is standard
// input (at most once), a directory is walked recursively for *.json,
// *.ndjson and *.jsonl regular files (sorted), and a glob that names no
// existing file is expanded. A glob that matches nothing, a directory with
// no such file and a malformed glob are errors; a path that does not exist
// is a source that fails when it is read, so the error names it.
func Expand(args []string) ([]Source, error) {
	var out []Source
	stdin := false
	for _, a := range args {
		if a == "-" {
			if stdin {
				return nil, errors.New("- (standard input) given more than once")
			}
			stdin = true
			out = append(out, Source{Name: StdinName, stdin: true})
			continue
		}
		st, err := os.Stat(a)
		switch {
		case err != nil && errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(a, "*?["):
			matches, gerr := filepath.Glob(a)
			if gerr != nil {
				return nil, fmt.Errorf("bad glob %q: %w", a, gerr)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%s: no files match", a)
			}
			for _, m := range matches {
				out = append(out, Source{Name: m})
			}
		case err == nil && st.IsDir():
			found, err := walk(a)
			if err != nil {
				return nil, err
			}
			out = append(out, found...)
		default:
			out = append(out, Source{Name: a})
		}
	}
	return out, nil
}

func walk(dir string) ([]Source, error) {
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		for _, e := range walkExts {
			if ext == e {
				found = append(found, path)
			}
		}
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot read directory %s: %w", pe.Path, pe.Err)
		}
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%s: no *.json, *.ndjson or *.jsonl files in this directory", dir)
	}
	sort.Strings(found)
	out := make([]Source, len(found))
	for i, f := range found {
		out[i] = Source{Name: f}
	}
	return out, nil
}

// isRecordName reports whether a file's name says it is a record file.
func isRecordName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".ndjson" || ext == ".jsonl"
}
