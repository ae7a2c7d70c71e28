package input

import (
	"cmp"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Walk calls visit for every entry below the directory root that is not a
// directory and whose name match accepts, in the order sort.Strings puts
// their paths (so "a/b.json" before "a/b/c.json", as a sorted list of the
// whole tree would have them), without ever holding that list: it reads one
// directory at a time and keeps only the names of the directories it is
// inside. Memory grows with the depth of the tree and the size of its largest
// directory, not with the number of files.
//
// typ is the entry's type as the directory lists it (0 for a regular file,
// fs.ModeSymlink, fs.ModeNamedPipe, ...); a symbolic link is not followed.
// A directory that cannot be read is passed to visit with its error, in the
// place its contents would have had, and the walk goes on. Walk stops at the
// first error visit returns, and returns it.
func Walk(root string, match func(name string) bool, visit func(path string, typ fs.FileMode, err error) error) error {
	entries, err := readEntries(root, match)
	if err != nil {
		return visit(root, fs.ModeDir, err)
	}
	for _, e := range entries {
		path := filepath.Join(root, e.name)
		if e.isDir() {
			err = Walk(path, match, visit)
		} else {
			err = visit(path, e.typ, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dirEntry is what Walk keeps of one entry while its directory is walked:
// the name and type, not the fs.DirEntry (which holds the parent's path and
// room for a FileInfo).
type dirEntry struct {
	name string
	typ  fs.FileMode
}

func (e dirEntry) isDir() bool { return e.typ.IsDir() }

// readEntries lists dir's subdirectories and the other entries match
// accepts, in walk order: by name, a directory's name compared as if it
// ended in '/', which is where its contents fall among full paths.
func readEntries(dir string, match func(string) bool) ([]dirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var entries []dirEntry
	for {
		batch, err := f.ReadDir(1024)
		for _, d := range batch {
			typ := d.Type()
			if typ.IsDir() || match(d.Name()) {
				entries = append(entries, dirEntry{name: d.Name(), typ: typ})
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(entries, compareEntries)
	return entries, nil
}

// compareEntries orders two entries of one directory as their full paths
// sort: a directory "b" holds paths "b/...", so it sorts as "b/" would,
// after "b-x.json" and "b.json" ('-' and '.' are below '/').
func compareEntries(a, b dirEntry) int {
	n := min(len(a.name), len(b.name))
	if c := strings.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	return cmp.Compare(byteAfter(a, n), byteAfter(b, n))
}

// byteAfter is the byte at i of e's name as a path prefix: the name's own
// byte, '/' just past a directory's name, -1 past a file's.
func byteAfter(e dirEntry, i int) int {
	switch {
	case i < len(e.name):
		return int(e.name[i])
	case e.isDir():
		return '/'
	}
	return -1
}
