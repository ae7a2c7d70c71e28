package respond

import (
	"net/http"
	"time"
)

// Held is how long the answer is held before it is written or the
// connection dropped: Delay, or for a hanging answer HangFor (the client
// giving up, or listen stopping, ends it sooner).
func (a *Answer) Held() time.Duration {
	if a.Hang {
		return a.HangFor
	}
	return a.Delay
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
