package probe

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// The checks of what a sender does during a key rotation, and of the header
// names Svix-based providers use: a receiver that passes every other check
// can still break on the day its sender rotates a secret.
//
//	rotation-order    two signatures, an unknown one first and the valid one last: 2xx
//	rotation-secrets  (two or more --secret) signed only with the last one: 2xx
//	svix-headers      (standard) svix-id, svix-timestamp, svix-signature instead of webhook-*: 2xx, else warn

// rotationSkip says why a rotation check cannot be made in this run, "" when
// it can. (--scheme none is skipped before this.)
func (p *prober) rotationSkip(check string) string {
	s := p.opts.Scheme
	switch check {
	case CheckRotationOrder:
		switch s {
		case signature.GitHub:
			return "the github scheme carries one signature, so a sender cannot put two side by side"
		case signature.Bearer:
			return "a bearer token is one secret, not a list of signatures"
		}
	case CheckRotationSecrets:
		if len(p.userSecrets()) < 2 {
			return "needs the old and the new secret (--secret OLD --secret NEW); probe was given one"
		}
	case CheckSvixHeaders:
		if s != signature.Standard {
			return "only the standard scheme has svix-* header names"
		}
	}
	return ""
}

// rotationOrder sends a delivery whose signature header holds a signature
// no key made first, then the valid one(s), as a sender mid-rotation does.
func (p *prober) rotationOrder(ctx context.Context) error {
	note := fmt.Sprintf("%s with two signatures in %s, an unknown one first and the valid one last", p.base.name, p.sigHeader())
	return p.sendOne(ctx, CheckRotationOrder, note, spec{resign: p.unknownFirst})
}

// unknownFirst puts a random signature, of the kind the first secret makes,
// in front of the ones in sig.
func (p *prober) unknownFirst(sig []signature.Header) []signature.Header {
	out := append([]signature.Header(nil), sig...)
	for i, h := range out {
		switch h.Name {
		case signature.HeaderWebhookSignature:
			if signature.KindOf(p.userSecrets()[0]) == signature.SigningKey {
				out[i].Value = "v1a," + base64.StdEncoding.EncodeToString(randomBytes(64)) + " " + h.Value
			} else {
				out[i].Value = "v1," + base64.StdEncoding.EncodeToString(randomBytes(32)) + " " + h.Value
			}
		case signature.HeaderStripeSignature:
			t, rest, _ := strings.Cut(h.Value, ",")
			out[i].Value = t + ",v1=" + hex.EncodeToString(randomBytes(32)) + "," + rest
		}
	}
	return out
}

// rotationSecrets sends a delivery signed only with the last --secret: a
// receiver holding the old and the new secret must accept it.
func (p *prober) rotationSecrets(ctx context.Context) error {
	ss := p.userSecrets()
	note := fmt.Sprintf("%s signed only with --secret #%d of %d", p.base.name, len(ss), len(ss))
	return p.sendOne(ctx, CheckRotationSecrets, note, spec{secret: ss[len(ss)-1]})
}

// svixHeaders sends a correct delivery under Svix's header names.
func (p *prober) svixHeaders(ctx context.Context) error {
	note := p.base.name + " under svix-id, svix-timestamp and svix-signature, with no webhook-* headers"
	return p.sendOne(ctx, CheckSvixHeaders, note, spec{resign: toSvix})
}

func toSvix(sig []signature.Header) []signature.Header {
	out := append([]signature.Header(nil), sig...)
	names := map[string]string{
		signature.HeaderWebhookID:        signature.HeaderSvixID,
		signature.HeaderWebhookTimestamp: signature.HeaderSvixTimestamp,
		signature.HeaderWebhookSignature: signature.HeaderSvixSignature,
	}
	for i, h := range out {
		if n, ok := names[h.Name]; ok {
			out[i].Name = n
		}
	}
	return out
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// gradeRotation grades a check whose delivery a correct receiver accepts.
func (p *prober) gradeRotation(check string) Check {
	c, s, ok := p.single(check)
	if !ok {
		return c
	}
	switch {
	case s.ok():
		c.Result, c.Detail = Pass, p.rotationPassDetail(check)+": answered "+delivery.StatusText(s.status)
	case s.err != nil:
		c.Result = Fail
	case check == CheckSvixHeaders && is4xx(s):
		c.Result = Warn
		c.Hint = "your endpoint knows only the webhook-* header names: Svix-based providers send the same headers as svix-id, svix-timestamp and svix-signature; read those when webhook-id is absent"
	default:
		c.Result = Fail
		c.Hint = p.rotationHint(check)
		if is5xx(s) {
			c.Hint += " (and answer 4xx, not 5xx, to what it does not accept: a 5xx makes the sender retry)"
		}
	}
	return c
}

func (p *prober) rotationPassDetail(check string) string {
	switch check {
	case CheckRotationOrder:
		return "two signatures, an unknown one first and the valid one last"
	case CheckRotationSecrets:
		n := len(p.userSecrets())
		return fmt.Sprintf("signed only with --secret #%d of %d", n, n)
	}
	return "svix-id, svix-timestamp and svix-signature instead of webhook-*"
}

// rotationHint is the fix for a receiver that refused what check sent.
func (p *prober) rotationHint(check string) string {
	switch check {
	case CheckRotationOrder:
		if p.opts.Scheme == signature.Stripe {
			return "your endpoint checks only the first v1= signature in Stripe-Signature: accept the delivery when any v1= entry matches; during a secret roll the sender puts one per secret"
		}
		return "your endpoint checks only the first signature in webhook-signature: split it on spaces and accept the delivery when any signature matches; during a key rotation the sender puts the old and the new one side by side, in any order"
	case CheckRotationSecrets:
		return "your endpoint tries only its first secret: during a rotation it holds the old and the new one and must accept a delivery signed with either; try each configured secret in turn"
	}
	return "your endpoint refused Svix's header names: read svix-id, svix-timestamp and svix-signature when the webhook-* ones are absent (the values and the signature are the same)"
}
