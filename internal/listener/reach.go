package listener

// How a run is reached from elsewhere and how a script learns it is up:
// --public-url names the address a tunnel (cloudflared, ngrok) exposes
// it at, and --ready-file is written once it accepts deliveries.

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// CheckPublicURL reads --public-url: an absolute http(s) URL with a host
// and neither query nor fragment, as a tunnel prints it.
func CheckPublicURL(s string) error {
	if s == "" {
		return nil
	}
	const hint = "give the URL your tunnel prints, e.g. --public-url https://example.trycloudflare.com"
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return inputErrorf(hint, "invalid --public-url %q: %v", s, errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		if !strings.Contains(s, "://") {
			return inputErrorf("did you mean --public-url https://"+s+"?", "invalid --public-url %q: it has no http:// or https://", s)
		}
		return inputErrorf(hint, "invalid --public-url %q: the scheme is %q, want http or https", s, u.Scheme)
	case u.Host == "":
		return inputErrorf(hint, "invalid --public-url %q: it has no host", s)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return inputErrorf(hint, "invalid --public-url %q: a query or fragment cannot be a base URL", s)
	case u.User != nil:
		return inputErrorf(hint, "invalid --public-url %q: it carries a user name or password, which senders would see", u.Redacted())
	}
	return nil
}

// publicURL is where deliveries reach the run from outside: the public URL
// (the tunnel's address of --addr) with the --path prefix below it, unless
// the public URL already ends in that prefix.
func publicURL(public, prefix string) string {
	if public == "" {
		return ""
	}
	base := strings.TrimSuffix(public, "/")
	if prefix != "/" && strings.HasSuffix(base+"/", prefix) {
		return base + "/"
	}
	return base + prefix
}

// readyFile is --ready-file: made (as a temporary file beside it) before
// the run binds, so a path that cannot be written is an input error rather
// than a run that never says it is ready; renamed into place once the run
// accepts deliveries, so a reader never sees half of it; removed at the
// end.
type readyFile struct {
	path string
	tmp  *os.File
}

// openReadyFile starts the ready file at path; nil when path is "". A
// file left at path by an earlier run is removed now, so a script waiting
// for it waits for this run.
func openReadyFile(path string) (*readyFile, error) {
	if path == "" {
		return nil, nil
	}
	const hint = "give a file in a directory that exists and is writable, e.g. --ready-file /tmp/listen.ready"
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, inputErrorf(hint, "--ready-file %s is a directory", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, inputErrorf(hint, "--ready-file: cannot remove the old %s: %v", path, fileErr(err))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, inputErrorf(hint, "--ready-file: cannot write in the directory of %s: %v", path, fileErr(err))
	}
	return &readyFile{path: path, tmp: tmp}, nil
}

// ready writes line (the deliveries' URL) and puts the file in place.
func (f *readyFile) ready(line string) error {
	if f == nil {
		return nil
	}
	tmp := f.tmp
	f.tmp = nil
	_, err := tmp.WriteString(line + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return &RunError{Err: fmt.Errorf("cannot write --ready-file %s: %v", f.path, fileErr(err)), Hint: "check the disk"}
	}
	return nil
}

// remove takes the file away at the end of the run (or the temporary one,
// when the run never got ready).
func (f *readyFile) remove() {
	if f == nil {
		return
	}
	if f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
		return
	}
	os.Remove(f.path)
}

// fileErr is err without the operation and paths an *os.PathError or
// *os.LinkError repeats: the message names the file already.
func fileErr(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return unwrapPath(err)
}
