package delivery

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// sender sends attempts one after another from one goroutine and keeps what
// can be kept between them: the context that bounds an attempt, with its
// timer, and the parsed request line. Send uses one for its attempts; a load
// run keeps one per worker, so a delivery costs no new context, timer or URL
// parse, and the workers do not all register and unregister their attempt
// contexts with one shared parent under its lock.
type sender struct {
	c       *http.Client
	rt      http.RoundTripper // c's transport, when c.Do would add nothing to it (direct)
	parent  context.Context
	timeout time.Duration // per attempt; 0 means none

	// actx bounds the current attempt: a child of parent, cancelled with
	// cause context.DeadlineExceeded when timer fires. It is reused until
	// that happens. Without a timeout it is parent.
	actx   context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer

	// tmpl is a request for url built on actx, copied for each attempt.
	tmpl *http.Request
	url  string
	// noQuery says tmpl was built from url without its query, which a
	// Request.RawQuery replaces.
	noQuery bool
}

func newSender(ctx context.Context, c *http.Client, timeout time.Duration) *sender {
	return &sender{c: c, rt: direct(c), parent: ctx, timeout: timeout, actx: ctx}
}

// direct returns c's transport when c.Do would pass a delivery to it
// unchanged: no cookie jar, no client timeout (a sender bounds attempts
// itself) and redirects handed back as answers (NoRedirects, as NewClient
// sets). Otherwise it returns nil and requests go through c.Do.
//
// Going to the transport directly matters in load mode: c.Do copies every
// request's header map in case it has to follow a redirect, which a sender
// never does.
func direct(c *http.Client) http.RoundTripper {
	if c.Transport == nil || c.Jar != nil || c.Timeout != 0 ||
		reflect.ValueOf(c.CheckRedirect).Pointer() != reflect.ValueOf(NoRedirects).Pointer() {
		return nil
	}
	return c.Transport
}

// do sends hr as c.Do would, errors included: a *url.Error naming the
// method and URL, and a TLS client talking to a plain-HTTP server reported
// as http.ErrSchemeMismatch.
func (s *sender) do(hr *http.Request) (*http.Response, error) {
	if s.rt == nil || hr.URL.User != nil { // credentials in the URL: c.Do turns them into Basic auth
		return s.c.Do(hr)
	}
	res, err := s.rt.RoundTrip(hr)
	if err != nil {
		if res != nil && res.Body != nil {
			res.Body.Close()
		}
		var rh tls.RecordHeaderError
		if errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/" {
			err = http.ErrSchemeMismatch
		}
		return nil, &url.Error{Op: hr.Method[:1] + strings.ToLower(hr.Method[1:]), URL: hr.URL.String(), Err: err}
	}
	return res, nil
}

// begin starts the clock of an attempt.
func (s *sender) begin() {
	if s.timeout <= 0 {
		return
	}
	if s.timer != nil {
		s.timer.Reset(s.timeout)
		return
	}
	s.actx, s.cancel = context.WithCancelCause(s.parent)
	s.tmpl = nil // built on the context that is gone
	cancel := s.cancel
	s.timer = time.AfterFunc(s.timeout, func() { cancel(context.DeadlineExceeded) })
}

// end stops the clock. A timer that has fired has cancelled (or is about to
// cancel) the attempt context, so the next attempt gets a new one.
func (s *sender) end() {
	if s.timer != nil && !s.timer.Stop() {
		s.cancel(nil)
		s.timer = nil
	}
}

// close releases the timer and the context.
func (s *sender) close() {
	if s.timer != nil {
		s.timer.Stop()
	}
	if s.cancel != nil {
		s.cancel(nil)
	}
}

// timedOut wraps err in a TimeoutError when the attempt's own timeout, not
// the caller's context, ended it.
func (s *sender) timedOut(err error) error {
	if s.timeout > 0 && s.parent.Err() == nil && s.cancel != nil && context.Cause(s.actx) == context.DeadlineExceeded {
		return &TimeoutError{After: s.timeout, Err: err}
	}
	return err
}

// request builds the http.Request for one attempt of req: a copy of the
// template, parsed once per URL and method, with req's header and body.
//
// The body is an in-memory reader behind a NopCloser, as http.NewRequest
// makes it: the transport writes the headers and a body it knows to be in
// memory in one write, and can rewind it (GetBody) to retry on a kept-alive
// connection that turned out to be closed.
func (s *sender) request(method string, req Request) (*http.Request, error) {
	noQuery := req.RawQuery != ""
	if s.tmpl == nil || s.tmpl.Method != method || s.url != req.URL || s.noQuery != noQuery {
		target := req.URL
		if noQuery {
			// URL's own query is not parsed: it may not be one (a '#' in
			// it ends it), and RawQuery gives the one to send.
			target, _, _ = strings.Cut(target, "?")
		}
		t, err := http.NewRequestWithContext(s.actx, method, target, nil)
		if err != nil {
			return nil, err
		}
		s.tmpl, s.url, s.noQuery = t, req.URL, noQuery
	}
	hr := new(http.Request)
	*hr = *s.tmpl
	if noQuery {
		u := *hr.URL // the template's, shared by every attempt
		u.RawQuery = req.RawQuery
		hr.URL = &u
	}
	switch {
	case req.Header != nil && req.HandOver && s.c.Jar == nil:
		hr.Header = req.Header
	case req.Header != nil:
		hr.Header = req.Header.Clone()
	default:
		hr.Header = make(http.Header)
	}
	if hs := hr.Header["Host"]; len(hs) > 0 {
		// -H 'Host: ...' names the virtual host; the transport writes
		// Request.Host and never the header.
		hr.Host = hs[0]
	}
	if body := req.Body; len(body) > 0 {
		hr.Body = io.NopCloser(bytes.NewReader(body))
		hr.ContentLength = int64(len(body))
		hr.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	} else {
		hr.Body = http.NoBody
		hr.GetBody = noBody
	}
	return hr, nil
}

func noBody() (io.ReadCloser, error) { return http.NoBody, nil }
