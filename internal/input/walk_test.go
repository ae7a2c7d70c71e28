package input

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Walk visits what a sorted list of the whole tree would hold, in that
// order: the list validate used to build with filepath.WalkDir and
// sort.Strings before it streamed the walk.
func TestWalkOrderIsSortedPaths(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, p := range []string{
		"b.json", "b-x.json", "b/c.json", "b/d/e.json", "b/d.json", "B.JSON", "a.txt", "a/z.json",
		"a0.json", "a/b/.json", "_x.json", "x.json/inner.json", "x.json0.json", "zz/deep/er/f.json", "zz.json",
	} {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	match := func(name string) bool { return strings.EqualFold(filepath.Ext(name), ".json") }

	var want []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && match(path) {
			want = append(want, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)

	var got []string
	err = Walk(root, match, func(path string, typ fs.FileMode, err error) error {
		if err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if typ.IsDir() {
			t.Errorf("%s: a directory visited", path)
		}
		got = append(got, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("walk order\n got %q\nwant %q", got, want)
	}
}

// A root that cannot be listed is visited with its error; an error from
// visit stops the walk and is returned.
func TestWalkErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var seen []string
	err := Walk(filepath.Join(file, "sub"), func(string) bool { return true }, func(path string, typ fs.FileMode, err error) error {
		if err == nil || !typ.IsDir() {
			t.Errorf("%s: typ %v err %v, want a directory and its error", path, typ, err)
		}
		seen = append(seen, path)
		return nil
	})
	if err != nil || len(seen) != 1 {
		t.Errorf("err %v, visited %q", err, seen)
	}

	dir := t.TempDir()
	for _, n := range []string{"a.json", "b.json", "c.json"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stop := errors.New("stop")
	n := 0
	err = Walk(dir, func(string) bool { return true }, func(string, fs.FileMode, error) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("err %v after %d visits, want stop after 2", err, n)
	}
}
