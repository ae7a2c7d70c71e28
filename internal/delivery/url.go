package delivery

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// CheckURL accepts only an absolute http or https URL with a host and a
// valid port: anything else (a missing scheme, a file path, a message typed
// in the URL's place) is a mistake that must not be "fixed" by guessing. The
// error is the reason alone; callers say which URL it was.
func CheckURL(raw string) (*url.URL, error) {
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
