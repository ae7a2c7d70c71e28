package delivery

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"https://pa.example.com/webhooks/callback/abc", "http://127.0.0.1:8080/x", "HTTP://[::1]:9/"} {
		if _, err := CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"pa.example.com/webhooks/callback/abc": "it has no scheme",
		"Provisioning complete.":               "it has no scheme",
		"ftp://example.com/x":                  `the scheme must be http or https, not "ftp"`,
		"file:///etc/passwd":                   `not "file"`,
		"https://":                             "it has no host",
		"http://:8080/":                        "it has no host",
		"http://bad host/":                     "it is not a URL",
		"http://127.0.0.1:99999/":              "port 99999 is out of range",
	} {
		_, err := CheckURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckURL(%q) = %v, want it to mention %q", in, err, want)
		}
	}
}
