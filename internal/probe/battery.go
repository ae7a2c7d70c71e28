package probe

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// skipReason says why a check cannot be made under this run's scheme and
// fixtures, "" when it can.
func (p *prober) skipReason(check string) string {
	s := p.opts.Scheme
	switch check {
	case CheckUnsigned, CheckTampered, CheckWrongSecret, CheckStale, CheckFuture,
		CheckRotationOrder, CheckRotationSecrets, CheckSvixHeaders:
		if s == signature.None {
			return "--scheme none: the deliveries carry no signature to check"
		}
	}
	switch check {
	case CheckStale, CheckFuture:
		switch s {
		case signature.GitHub:
			return "the github scheme signs no timestamp"
		case signature.Bearer:
			return "a bearer token carries no timestamp"
		}
	case CheckTampered:
		if s == signature.Bearer {
			return "a bearer token does not cover the body"
		}
	case CheckCallback, CheckCallbackOnce:
		if !p.dupBase.pa {
			return p.dupBase.prof.Title() + " deliveries carry no callback URL"
		}
	case CheckRotationOrder, CheckRotationSecrets, CheckSvixHeaders:
		return p.rotationSkip(check)
	}
	return ""
}

// job is one check's requests.
type job struct {
	check string
	run   func(ctx context.Context) error
}

// sendOthers runs every check but valid, in parallel: none depends on
// another's order. (The duplicate's two copies go one after the other.)
func (p *prober) sendOthers(ctx context.Context) error {
	jobs := []job{
		{CheckUnsigned, p.unsigned},
		{CheckTampered, p.tampered},
		{CheckWrongSecret, p.wrongSecret},
		{CheckStale, func(ctx context.Context) error { return p.offTime(ctx, CheckStale, -1) }},
		{CheckFuture, func(ctx context.Context) error { return p.offTime(ctx, CheckFuture, +1) }},
		{CheckDuplicate, p.duplicate},
		{CheckUnknownFields, p.unknownFields},
		{CheckMalformedJSON, p.malformed},
		{CheckRotationOrder, p.rotationOrder},
		{CheckRotationSecrets, p.rotationSecrets},
		{CheckSvixHeaders, p.svixHeaders},
	}
	jobs = slices.DeleteFunc(jobs, func(j job) bool { return p.skipReason(j.check) != "" })
	errs := make([]error, len(jobs))
	p.parallel(len(jobs), func(i int) { errs[i] = jobs[i].run(ctx) })
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// spec says how a check's delivery differs from a correct one.
type spec struct {
	unsigned bool
	secret   string        // "" means --secret
	skew     time.Duration // added to the signed timestamp
	sets     []string      // fixture.Render overrides
	change   func([]byte) []byte
	// resign changes the signature headers once they are made (an extra
	// signature, other header names).
	resign func([]signature.Header) []signature.Header
}

// prepared is one delivery ready to send.
type prepared struct {
	id     string
	header http.Header
	body   []byte
}

// prepare renders a fresh delivery of f and signs it as s says.
func (p *prober) prepare(f *loaded, s spec) (prepared, error) {
	r, err := p.render(f, s.sets...)
	if err != nil {
		return prepared{}, err
	}
	body := r.Body
	if s.change != nil {
		body = s.change(body)
	}
	var sig []signature.Header
	if !s.unsigned {
		secrets := []string{s.secret}
		if s.secret == "" {
			secrets = p.userSecrets()
		}
		if sig, err = p.sign(secrets, r.ID, p.now().Add(s.skew), body); err != nil {
			return prepared{}, err
		}
		if s.resign != nil {
			sig = s.resign(sig)
		}
	}
	return prepared{id: r.ID, header: p.headers(f, r.ID, sig), body: body}, nil
}

// sendOne prepares, sends and records the one delivery of check.
func (p *prober) sendOne(ctx context.Context, check, note string, s spec) error {
	d, err := p.prepare(p.base, s)
	if err != nil {
		return err
	}
	p.record(check, note, p.send(ctx, p.base, d.id, d.header, d.body))
	return nil
}

func (p *prober) unsigned(ctx context.Context) error {
	what := "no signature header"
	if p.opts.Scheme == signature.Bearer {
		what = "no Authorization header"
	}
	return p.sendOne(ctx, CheckUnsigned, p.base.name+" with "+what, spec{unsigned: true})
}

// tampered signs a delivery, then changes one byte of it.
func (p *prober) tampered(ctx context.Context) error {
	d, err := p.prepare(p.base, spec{})
	if err != nil {
		return err
	}
	t := tamper(d.body)
	p.record(CheckTampered, fmt.Sprintf("%s signed correctly, then byte %d changed from %q to %q", p.base.name, t.offset, t.from, t.to),
		p.send(ctx, p.base, d.id, d.header, t.body))
	return nil
}

func (p *prober) wrongSecret(ctx context.Context) error {
	what := "signed with another secret"
	if p.opts.Scheme == signature.Bearer {
		what = "with a bearer token other than --secret"
	}
	return p.sendOne(ctx, CheckWrongSecret, p.base.name+" "+what, spec{secret: p.randomSecret()})
}

// offTime sends a delivery signed twice the tolerance in the past (dir -1)
// or the future (+1): well outside the window, whatever the clocks' drift.
func (p *prober) offTime(ctx context.Context, check string, dir int) error {
	off := 2 * p.opts.Tolerance
	when := "old"
	if dir > 0 {
		when = "ahead"
	}
	note := fmt.Sprintf("%s signed correctly with a timestamp %s %s (--tolerance %s)", p.base.name, off, when, p.opts.Tolerance)
	return p.sendOne(ctx, check, note, spec{skew: time.Duration(dir) * off})
}

// duplicate sends one delivery twice, byte for byte and header for header,
// the second after the first is answered: a redelivery.
func (p *prober) duplicate(ctx context.Context) error {
	f := p.dupBase
	d, err := p.prepare(f, spec{})
	if err != nil {
		return err
	}
	first := p.send(ctx, f, d.id, d.header, d.body)
	second := p.send(ctx, f, d.id, d.header, d.body)
	p.record(CheckDuplicate, f.name+" twice, same bytes and headers", first, second)
	return nil
}

func (p *prober) unknownFields(ctx context.Context) error {
	sets, pointers := unknownFieldSets(p.base.raw)
	note := fmt.Sprintf("%s, correctly signed, with fields added at %s", p.base.name, strings.Join(pointers, ", "))
	return p.sendOne(ctx, CheckUnknownFields, note, spec{sets: sets})
}

func (p *prober) malformed(ctx context.Context) error {
	cut := 0
	change := func(b []byte) []byte { b = notJSON(b); cut = len(b); return b }
	d, err := p.prepare(p.base, spec{change: change})
	if err != nil {
		return err
	}
	p.record(CheckMalformedJSON, fmt.Sprintf("the first %d bytes of %s, correctly signed: not JSON", cut, p.base.name),
		p.send(ctx, p.base, d.id, d.header, d.body))
	return nil
}

// expectedCallbacks lists the deliveries that should call back, with the
// time each was answered: every accepted valid delivery that carries a
// callback URL, and the duplicated one when either copy was accepted.
func (p *prober) expectedCallbacks() (ids []string, answered map[string]time.Time, dupID string) {
	answered = map[string]time.Time{}
	for i, s := range p.valid {
		if p.fixtures[i].pa && s.ok() {
			ids = append(ids, s.id)
			answered[s.id] = s.answeredAt
		}
	}
	if p.dupBase.pa {
		for _, s := range p.others[CheckDuplicate] {
			if s.ok() {
				dupID = s.id
				if _, ok := answered[s.id]; !ok {
					answered[s.id] = s.answeredAt
				}
			}
		}
		if dupID != "" {
			ids = append(ids, dupID)
		}
	}
	return ids, answered, dupID
}

// waitCallbacks waits until every expected callback is in (then a moment
// longer, for a second callback to the duplicate), or until the last
// expected one is --callback-within late.
func (p *prober) waitCallbacks(ctx context.Context) {
	if p.skipReason(CheckCallback) != "" {
		return
	}
	ids, answered, dupID := p.expectedCallbacks()
	if len(ids) == 0 {
		return
	}
	var deadline time.Time
	for _, at := range answered {
		if d := at.Add(p.opts.CallbackWithin); d.After(deadline) {
			deadline = d
		}
	}
	end, settling := deadline, false
	for {
		next := p.standin.Next() // before looking, so a callback in between still wakes the wait
		if !settling && p.allCalledBack(ids) {
			settling = true
			end = minTime(deadline, p.now().Add(p.opts.settle))
		}
		if settling && (dupID == "" || p.callbacks(dupID) > 1) {
			return
		}
		wait := end.Sub(p.now())
		if wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-next:
			t.Stop()
		case <-t.C:
			return // by the timer, not the clock: an injected clock may stand still
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

func (p *prober) allCalledBack(ids []string) bool {
	for _, id := range ids {
		if p.callbacks(id) == 0 {
			return false
		}
	}
	return true
}

// callbacks is how many callbacks were posted to id's callback URL.
func (p *prober) callbacks(id string) int {
	_, n := p.standin.Received(id)
	return n
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
