package listener

import (
	"encoding/json"
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// validate is the validate stage: it checks the payload against its schema
// and fills the record's schema verdict, the delivery id and the duplicate
// flag (trackID).
func (l *Listener) validate(r *http.Request, d *inflight) {
	rec := &d.rec
	if l.refuses(rec.Signature) {
		// It is answered 401 whatever it holds, and validating a body
		// nobody vouches for is work anyone can ask of the listener at
		// will (one built to fail costs seconds and hundreds of MB).
		// Report-only (the development secret) validates it, as it does
		// an unsigned one: it is answered as one.
		rec.Schema = record.NotChecked("not validated: the signature did not verify")
		f, ok := l.cfg.Registry.Peek(d.body, r.Header)
		d.isJSON = ok || json.Valid(d.body)
		l.trackID(r, d, f.ID)
		// Its names, as a glance finds them, for --events, the rules and
		// --expect (a delivery of an expected event fails it).
		d.fields.Event = f.Event
		return
	}
	res, err := l.cfg.Registry.CheckDelivery(d.body, l.cfg.Schema, r.Header)
	switch {
	case err != nil:
		// No schema matched (or a schema failed to compile): the body is
		// JSON, but there is nothing to validate it against.
		d.isJSON = true
		rec.Schema = &record.Schema{Name: res.Schema, Errors: []payload.Error{{Message: err.Error()}}}
	default:
		d.isJSON = !res.SyntaxError()
		errs := res.Errors
		if errs == nil {
			errs = []payload.Error{}
		}
		rec.Schema = &record.Schema{Name: res.Schema, Valid: res.Valid, Errors: errs, Omitted: res.Omitted}
	}
	if !rec.Schema.Valid {
		l.n.invalid.Add(1)
	}

	l.trackID(r, d, res.Fields.ID)
	rec.UserInviteID = res.Fields.Invite
	d.eventName = res.EventLabel()
	d.fields = res.Fields
}

// trackID fills the delivery id (a profile's id header, else the
// webhook-id header, else the id in the body at the profile's id field,
// bodyID) and flags a duplicate of an accepted delivery.
// A delivery whose signature holds reserves its id, so two at once with
// one id are one delivery and a duplicate (--exec runs one command);
// keepID releases the reservation unless the delivery is answered 2xx and
// recorded. A delivery whose signature failed only looks. An unsigned one,
// to a listener that checks signatures (it is reported, not refused, when
// no --secret is given), reserves its id among the unsigned alone: anyone
// can send one, and it must not make the signed delivery of its id a
// duplicate (whose --exec command would then never run).
func (l *Listener) trackID(r *http.Request, d *inflight, bodyID string) {
	id := l.cfg.Registry.DeliveryID(r.Header)
	if id == "" {
		id = signature.MessageID(r.Header)
	}
	if id == "" {
		id = bodyID
	}
	d.rec.DeliveryID = id
	d.idKey, d.tracked = digestID(id)
	if !d.tracked {
		return
	}
	sig := d.rec.Signature
	var dup bool
	switch {
	case !sig.Valid && sig.Kind != record.Unchecked:
		dup = l.seen.has(d.idKey)
	case l.unsigned(sig):
		dup = l.seen.has(d.idKey) || l.seenUnsigned.add(d.idKey)
		if !dup {
			d.reserved = l.seenUnsigned
		}
	default:
		dup = l.seen.add(d.idKey)
		if !dup {
			d.reserved = l.seen
		}
	}
	if dup {
		d.rec.Duplicate = true
		l.n.dups.Add(1)
	}
}

// keepID ends the reservation trackID made: kept when the delivery was
// accepted (answered 2xx) and recorded, released otherwise, so that the
// sender's retry after a 401, a 5xx or a failed record is not a duplicate.
func (l *Listener) keepID(d *inflight, accepted bool) {
	if d.reserved != nil && !accepted {
		d.reserved.remove(d.idKey)
	}
}

// unsigned reports whether sig is that of a delivery that came unsigned to
// a listener that checks signatures.
func (l *Listener) unsigned(sig *record.Signature) bool {
	return sig.Scheme == string(signature.None) && l.cfg.Scheme != signature.None
}
