package delivery

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// TemplateOptions says how a payload is rendered for sending.
type TemplateOptions struct {
	Now          time.Time
	CallbackBase string   // the callback URL prefix of a payload that carries one; the delivery id is added
	Sets         []string // --set PATH=VALUE overrides
	// Profile is the payload's profile when the caller knows it (a
	// fixture's); else the first of Profiles (nil: the default ones) a
	// detect rule of which the payload matches (fixture.RenderOptions).
	Profile  *profile.Profile
	Profiles []*profile.Profile
	// AsIs sends a body that is not one JSON object byte for byte (with a
	// fresh id per delivery) rather than refusing it: testing how a
	// receiver copes with a bad body is a reason to send one.
	AsIs bool
	// NewID returns a fresh GUID; nil means fixture.NewGUID.
	NewID func() string
}

// Template is a payload rendered once, with recognisable placeholder ids
// and time, so each delivery of a load run gets fresh values by stamping
// bytes rather than by decoding and encoding the JSON again.
type Template struct {
	body    []byte // rendered with the placeholders, for validation
	stamp   *Stamp
	ids     []string // placeholder GUIDs, in the order Render asked for them
	idSlot  int      // index in ids of the delivery id; -1 when the id is fixed
	fixedID string
	freshID bool // the id is not in the body: a fresh one per delivery
	timeFmt bool // whether the placeholder time occurs (stamped with the send time)
	newID   func() string
	added   []fixture.AddedWarning
}

// NewTemplate renders raw (fixture.Render) for sending. Its errors are
// Render's: a *fixture.InputError for a body that is not one JSON object,
// a *fixture.SetError for a bad --set.
func NewTemplate(raw []byte, o TemplateOptions) (*Template, error) {
	t := &Template{idSlot: -1, newID: o.NewID}
	if t.newID == nil {
		t.newID = fixture.NewGUID
	}
	// Placeholder GUIDs share a random prefix, so they cannot be mistaken
	// for anything already in the payload.
	prefix := t.newID()[:24]
	placeholderID := func() string {
		id := fmt.Sprintf("%s%012x", prefix, len(t.ids))
		t.ids = append(t.ids, id)
		return id
	}
	stampTime := o.Now.UTC().Format(time.RFC3339)
	r, err := fixture.Render(raw, fixture.RenderOptions{Now: o.Now, NewID: placeholderID, CallbackBase: o.CallbackBase, Sets: o.Sets,
		Profile: o.Profile, Profiles: o.Profiles})
	var ie *fixture.InputError
	switch {
	case errors.As(err, &ie) && o.AsIs && len(o.Sets) == 0:
		t.body, t.ids, t.freshID = raw, nil, true
		t.stamp, _ = NewStamp(raw)
		return t, nil
	case err != nil:
		return nil, err
	}
	t.body, t.added = r.Body, r.Added
	placeholders := slices.Clone(t.ids)
	if strings.Contains(string(r.Body), stampTime) {
		placeholders = append(placeholders, stampTime)
		t.timeFmt = true
	}
	if t.stamp, err = NewStamp(r.Body, placeholders...); err != nil {
		return nil, err
	}
	if i := slices.Index(t.ids, r.ID); i >= 0 {
		t.idSlot = i
	} else {
		t.fixedID = r.ID // the user --set the id
	}
	return t, nil
}

// Body is the rendered payload with its placeholders: what is validated.
func (t *Template) Body() []byte { return t.body }

// Added lists the --set overrides that added a field the payload did not
// have, for a warning (fixture.Rendered.Added).
func (t *Template) Added() []fixture.AddedWarning { return t.added }

// Next renders one delivery: its body and its id.
func (t *Template) Next(now time.Time) ([]byte, string, error) {
	values := make([]string, 0, len(t.ids)+1)
	for range t.ids {
		values = append(values, t.newID())
	}
	if t.timeFmt {
		values = append(values, now.UTC().Format(time.RFC3339))
	}
	body, err := t.stamp.Fill(values...)
	if err != nil {
		return nil, "", err
	}
	id := t.fixedID
	switch {
	case t.idSlot >= 0:
		id = values[t.idSlot]
	case t.freshID:
		id = t.newID()
	}
	return body, id, nil
}

// Builder makes each delivery's request from a Template: body, id,
// timestamp and signature fresh each time, headers in the order they are
// shown: Content-Type, User-Agent, the signature, the profile's event and
// id headers, then Extra, which replace any of the others with the same
// name.
type Builder struct {
	URL       string
	Scheme    signature.Scheme
	Secrets   []string
	Extra     []signature.Header
	Template  *Template
	Now       func() time.Time
	UserAgent string
	// Event is the header naming the delivery's event (a profile's
	// event header and the schema's group); none when Name is "".
	Event signature.Header
	// IDHeader is the header that carries each delivery's id (a
	// profile's id header); none when "".
	IDHeader string

	// signers holds *signature.Signer for load runs: keyed HMACs kept
	// from one delivery to the next, one per worker in flight.
	signers sync.Pool
}

// Outgoing is one built delivery: the request and its headers in the order
// they are shown.
type Outgoing struct {
	Req     Request
	ID      string
	Headers []signature.Header
}

// Next builds one delivery.
func (b *Builder) Next() (Outgoing, error) {
	now := b.Now()
	body, id, err := b.Template.Next(now)
	if err != nil {
		return Outgoing{}, err
	}
	s, err := signature.NewSigner(b.Scheme, b.Secrets...)
	if err != nil {
		return Outgoing{}, err
	}
	sig, err := s.Sign(id, now, body)
	if err != nil {
		return Outgoing{}, err
	}
	hs := b.headers(sig, id)
	return Outgoing{Req: Request{Method: http.MethodPost, URL: b.URL, Header: HeaderMap(hs), Body: body}, ID: id, Headers: hs}, nil
}

// Resign is o again with the same body and id, signed now: the next
// attempt of a delivery as a vendor sends it, with a fresh timestamp and
// signature.
func (b *Builder) Resign(o Outgoing) (Outgoing, error) {
	s, err := signature.NewSigner(b.Scheme, b.Secrets...)
	if err != nil {
		return Outgoing{}, err
	}
	sig, err := s.Sign(o.ID, b.Now(), o.Req.Body)
	if err != nil {
		return Outgoing{}, err
	}
	hs := b.headers(sig, o.ID)
	req := o.Req
	req.Header, req.HandOver = HeaderMap(hs), false
	return Outgoing{Req: req, ID: o.ID, Headers: hs}, nil
}

// LoadRequest is Next for a load run: the same request, signed with
// Signers kept between deliveries, its header handed over to Send.
func (b *Builder) LoadRequest() (Request, error) {
	now := b.Now()
	body, id, err := b.Template.Next(now)
	if err != nil {
		return Request{}, err
	}
	s, _ := b.signers.Get().(*signature.Signer)
	if s == nil {
		if s, err = signature.NewSigner(b.Scheme, b.Secrets...); err != nil {
			return Request{}, err
		}
	}
	sig, err := s.Sign(id, now, body)
	b.signers.Put(s)
	if err != nil {
		return Request{}, err
	}
	return Request{Method: http.MethodPost, URL: b.URL, Header: HeaderMap(b.headers(sig, id)), Body: body, HandOver: true}, nil
}

func (b *Builder) headers(sig []signature.Header, id string) []signature.Header {
	return b.Headers(sig, id)
}

// Headers are delivery id's headers in the order they are shown:
// Content-Type, User-Agent, the signature sig, the profile's event and id
// headers, then Extra, which replace any of the others with the same name.
func (b *Builder) Headers(sig []signature.Header, id string) []signature.Header {
	if b.Event.Name == "" && b.IDHeader == "" {
		return Headers(b.UserAgent, sig, b.Extra)
	}
	extra := make([]signature.Header, 0, 2+len(b.Extra))
	if b.Event.Name != "" {
		extra = append(extra, b.Event)
	}
	if b.IDHeader != "" && id != "" {
		extra = append(extra, signature.Header{Name: b.IDHeader, Value: id})
	}
	for _, e := range b.Extra {
		extra = slices.DeleteFunc(extra, func(h signature.Header) bool { return strings.EqualFold(h.Name, e.Name) })
	}
	return Headers(b.UserAgent, sig, append(extra, b.Extra...))
}

// Headers lists a delivery's headers in the order they are shown:
// Content-Type, User-Agent, the signature sig, then extra (-H), which
// replace any of the others with the same name.
func Headers(userAgent string, sig, extra []signature.Header) []signature.Header {
	hs := make([]signature.Header, 0, 2+len(sig)+len(extra))
	hs = append(hs, signature.Header{Name: "Content-Type", Value: "application/json"},
		signature.Header{Name: "User-Agent", Value: userAgent})
	hs = append(hs, sig...)
	for _, e := range extra {
		hs = slices.DeleteFunc(hs, func(h signature.Header) bool { return strings.EqualFold(h.Name, e.Name) })
	}
	return append(hs, extra...)
}

// HeaderMap is hs as an http.Header. Keys stay as the scheme spells them
// (webhook-id, not Webhook-Id): that is how they go on the wire. The
// values share one backing array, as http.Header.Clone lays them out.
func HeaderMap(hs []signature.Header) http.Header {
	h := make(http.Header, len(hs))
	vals := make([]string, len(hs))
	for i, x := range hs {
		vals[i] = x.Value
		if prev, ok := h[x.Name]; ok {
			h[x.Name] = append(prev[:len(prev):len(prev)], x.Value) // a repeated -H name: its own array
			continue
		}
		h[x.Name] = vals[i : i+1 : i+1]
	}
	return h
}
