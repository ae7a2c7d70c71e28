package forwardurl_test

import (
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
)

// FuzzForwardURL: whatever path a client asks for under the listen
// prefix, the forward URL stays below --forward-to's path, also for an app
// that decodes %2F and %5C before cleaning its path.
func FuzzForwardURL(f *testing.F) {
	for _, s := range []string{"/p/x", "/p/..%2f..%2fetc", "/p/%2e%2e/%2e%2e/x", "/p/a/../../..", "/p/..%5C..%5cx", "/p/.%2E/", "/x/../p/../../y", "/p//..//..//z"} {
		f.Add(s)
	}
	base, _ := forwardurl.Parse("http://127.0.0.1:3000/base")
	f.Fuzz(func(t *testing.T, reqPath string) {
		u, err := url.Parse("http://h" + reqPath)
		if err != nil || u.Host != "h" {
			return
		}
		got := forwardurl.Join(base, "/p/", u)
		esc := got.EscapedPath()
		decoded, err := url.PathUnescape(esc)
		if err != nil {
			t.Fatalf("%q: forward path %q does not unescape: %v", reqPath, esc, err)
		}
		clean := path.Clean(strings.ReplaceAll(decoded, `\`, "/"))
		if clean != "/base" && !strings.HasPrefix(clean, "/base/") {
			t.Fatalf("%q: forwarded to %q, which an app cleans to %q, above /base", reqPath, esc, clean)
		}
	})
}
