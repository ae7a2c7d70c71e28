package profile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/schemas"
)

// MaxFile bounds every file a profile reads: the bundled schemas are under
// 20 KB, the largest public schemas and OpenAPI documents a few MB.
const MaxFile = 16 << 20

// bundleFS joins the embedded schemas/ and fixtures/ into one tree, so a
// bundled profile's relative paths (../fixtures/permit) resolve exactly as
// a user's do on disk.
type bundleFS struct{}

func (bundleFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	top, rest, _ := strings.Cut(name, "/")
	if rest == "" {
		rest = "."
	}
	switch top {
	case "schemas":
		return schemas.FS.Open(rest)
	case "fixtures":
		return fixtures.FS.Open(rest)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// diskLocation is the Location of a directory or file on disk; a
// directory's URL ends in "/".
func diskLocation(p string) (Location, error) {
	st, err := os.Stat(p)
	if err != nil {
		return Location{}, unwrapPath(err)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return Location{}, err
	}
	u := fileURL(abs)
	if st.IsDir() {
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		return Location{FS: os.DirFS(abs), Path: ".", Display: p, URL: u}, nil
	}
	return Location{FS: os.DirFS(filepath.Dir(abs)), Path: filepath.Base(abs), Display: p, URL: u}, nil
}

// fileURL is the file:// URL of an absolute path.
func fileURL(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// absPath is the location's path on disk, "" for bundled data.
func (l Location) absPath() string {
	u, err := url.Parse(l.URL)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	return filepath.FromSlash(u.Path)
}

// IsDir reports whether the location is a directory.
func (l Location) IsDir() bool { return strings.HasSuffix(l.URL, "/") }

// Join is the location of rel (slash-separated) under the directory l, or
// beside the file l.
func (l Location) join(rel string) (Location, error) {
	if l.absPath() != "" {
		base := l.absPath()
		if !l.IsDir() {
			base = filepath.Dir(base)
		}
		p := filepath.FromSlash(rel)
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		loc, err := diskLocation(p)
		if err != nil {
			return Location{}, err
		}
		loc.Display = displayPath(p)
		return loc, nil
	}
	dir := l.Path
	if !l.IsDir() {
		dir = path.Dir(dir)
	}
	p := path.Join(dir, rel)
	st, err := fs.Stat(l.FS, p)
	if err != nil {
		return Location{}, unwrapPath(err)
	}
	loc := Location{FS: l.FS, Path: p, Display: p, URL: schemas.RootURL + p}
	if st.IsDir() {
		loc.URL += "/"
	}
	return loc, nil
}

// displayPath shortens an absolute path to one relative to the working
// directory when it is below it, as a person would type it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// ReadFile reads the file at rel (slash-separated, "." for l itself when
// l is a file) under l, within MaxFile.
func (l Location) ReadFile(rel string) ([]byte, error) {
	p := l.Path
	if rel != "." {
		p = path.Join(p, rel)
	}
	f, err := l.FS.Open(p)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > MaxFile {
		return nil, fmt.Errorf("larger than %d MiB", MaxFile>>20)
	}
	// Sized to the file; one that grew since is read to its end, bounded.
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, unwrapPath(err)
	}
	rest, err := io.ReadAll(io.LimitReader(f, MaxFile+1-int64(len(b))))
	b = append(b, rest...)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("larger than %d MiB", MaxFile>>20)
	}
	return b, nil
}

// FileURL is the URL of the file rel under the directory l.
func (l Location) FileURL(rel string) string {
	if rel == "." {
		return l.URL
	}
	return l.URL + escapePath(rel)
}

// FileDisplay is how messages name the file rel under l.
func (l Location) FileDisplay(rel string) string {
	if rel == "." {
		return l.Display
	}
	if l.absPath() != "" {
		return filepath.Join(l.Display, filepath.FromSlash(rel))
	}
	return path.Join(l.Display, rel)
}

// escapePath escapes each segment of a slash-separated path for a URL.
func escapePath(rel string) string {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// JSONFiles lists the *.json files under the directory l, walked
// recursively and sorted, as slash-separated paths relative to l. Files
// that are not regular (FIFOs, devices) and names starting with "." are
// skipped.
func (l Location) JSONFiles() ([]string, error) {
	var out []string
	err := fs.WalkDir(l.FS, l.Path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != l.Path && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.EqualFold(path.Ext(name), ".json") {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, l.Path), "/")
		if l.Path == "." {
			rel = p
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		return nil, unwrapPath(err)
	}
	return out, nil
}

// ShortName is a file's name relative to its directory without
// ".schema.json" or ".json": "issues/opened.schema.json" is "issues/opened".
func ShortName(rel string) string {
	for _, ext := range []string{".schema.json", ".json", ".JSON"} {
		if s, ok := strings.CutSuffix(rel, ext); ok {
			return s
		}
	}
	return rel
}
