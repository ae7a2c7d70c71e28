package listener

import (
	"fmt"
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// callback handles the stand-in for Permission Assist's callback endpoint:
// the first callback to a URL gets 200, a reused one 409, and one to the
// URL altered (exact is then the URL's path: see callbackID) 404, its URL
// left unused.
func (l *Listener) callback(w http.ResponseWriter, r *http.Request, d *inflight, id, exact string) {
	d.rec.Kind = record.KindCallback
	// id is a path segment: it is recorded masked, like the path.
	d.rec.CallbackFor = l.masker.Mask(id)
	l.n.callbacks.Add(1)
	var f *refusal
	switch {
	case exact != "":
		f = &refusal{status: http.StatusNotFound,
			reason: fmt.Sprintf("not a callback URL: %s has a trailing or doubled slash; post to the callback URL exactly as it was handed out, %s", d.rec.Path, l.masker.MaskPath(exact))}
	case r.Method != http.MethodPost:
		f = &refusal{status: http.StatusMethodNotAllowed, header: allowCallback,
			reason: fmt.Sprintf("method %s: callbacks are POSTed", r.Method)}
	}
	if !l.take(w, r, d, f) {
		return
	}
	defer l.release(d)
	key, tracked := digestID(id)
	if !tracked {
		l.reject(w, d, &refusal{status: http.StatusBadRequest,
			reason: fmt.Sprintf("callback id of %d bytes is longer than the %d a delivery id can be", len(id), maxTrackedID)}, false) // its body is read
		return
	}
	a := answer{status: http.StatusOK, body: callbackOK}
	// Reserved now, so two callbacks racing for one URL cannot both get
	// 200; released again if the record cannot be written, so the
	// sender's retry is taken then.
	reserved := !l.callbacks.add(key)
	if !reserved {
		l.n.reused.Add(1)
		d.rec.Error = "the callback URL for delivery " + d.rec.CallbackFor + " was already used; a callback URL must not be reused"
		a = answer{status: http.StatusConflict, body: []byte(d.rec.Error + "\n")}
	}
	if !l.recordAndPrint(d, &a) && reserved {
		l.callbacks.remove(key)
	}
	l.respond(w, &a)
}

// callbackOK is the body of a callback's 200.
var callbackOK = []byte("ok\n")
