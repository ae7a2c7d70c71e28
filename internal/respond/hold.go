package respond

import (
	"context"
	"net/http"
	"time"
)

// Wait holds the answer as the rule says: for Delay, then, for a hanging
// answer, until ctx is done (the client gave up, or listen is stopping) or
// HangFor has passed. It returns ctx's error when ctx cut the wait short;
// the connection is then best dropped.
func (a *Answer) Wait(ctx context.Context) error {
	d := a.Delay
	if a.Hang {
		d = a.HangFor
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Drop closes the connection under w without writing an answer: the
// client sees the connection end (EOF, or a reset). Over HTTP/2, where a
// connection carries other requests, only this stream is reset.
func Drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http's way to abort a response
}

// Write answers with a, as listen does once the delivery is recorded:
// it waits as Wait does, then drops the connection for close and hang, or
// writes the status (defaultStatus when a has none), a's headers and
// body. It is for answers that Answers; the listener writes the others.
func Write(w http.ResponseWriter, r *http.Request, a Answer, defaultStatus int) {
	err := a.Wait(r.Context())
	if a.Close || a.Hang || err != nil {
		Drop(w)
		return
	}
	h := w.Header()
	for name, vs := range a.Header {
		h[name] = append(h[name], vs...)
	}
	if a.ContentType != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", a.ContentType)
	}
	status := a.Status
	if status == 0 {
		status = defaultStatus
	}
	w.WriteHeader(status)
	_, _ = w.Write(a.Body)
}
