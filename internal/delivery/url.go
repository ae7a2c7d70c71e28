package delivery

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// CheckURL accepts only an absolute http or https URL with a host and a
// valid port: anything else (a missing scheme, a file path, a message typed
// in the URL's place) is a mistake that must not be "fixed" by guessing. The
// error is the reason alone; callers say which URL it was.
func CheckURL(raw string) (*url.URL, error) {
	if _, ok := WithoutScheme(raw); ok {
		// "localhost:3000/x" parses with the scheme "localhost".
		return nil, errors.New("it has no scheme (start it with http:// or https://)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("it is not a URL: %v", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, errors.New("it has no scheme (start it with http:// or https://)")
	default:
		return nil, fmt.Errorf("the scheme must be http or https, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("it has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %s is out of range", p)
		}
	}
	return u, nil
}

// WithoutScheme reports whether raw is a receiver's address typed without
// its scheme, as people type them for curl ("127.0.0.1:8080",
// "localhost:3000/webhooks", "[::1]:9000"), and returns the http URL it
// stands for. Only an address with a port, or localhost, or an IP address
// counts: "pa.example.com/x" or a file name is not guessed at.
func WithoutScheme(raw string) (string, bool) {
	if raw == "" || strings.Contains(raw, "://") || strings.ContainsAny(raw, " \t\\") {
		return "", false
	}
	authority, _, _ := strings.Cut(raw, "/")
	authority, _, _ = strings.Cut(authority, "?")
	host, port := authority, ""
	if h, p, err := net.SplitHostPort(authority); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(authority, "[") {
		return "", false
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", false
		}
	}
	switch {
	case host == "" && port == "":
		return "", false
	case host == "":
		host = "127.0.0.1" // ":8080", as Go and listen --addr spell it
		raw = host + raw
	case port == "" && !strings.EqualFold(host, "localhost") && net.ParseIP(host) == nil:
		return "", false
	case port != "" && !validHost(host):
		return "", false
	}
	return "http://" + raw, true
}

// validHost reports whether h can be a host name or IP address.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	for _, c := range h {
		if !(c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
