package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// maxCallbacks bounds the callbacks listed with a delivery.
const maxCallbacks = 20

func (s *server) getDelivery(ctx context.Context, in GetDeliveryIn) (DeliveryOut, error) {
	if in.Seq < 1 {
		return DeliveryOut{}, fmt.Errorf("seq %d: records are numbered from 1", in.Seq)
	}
	recs, done, err := openRecords(in.File)
	if err != nil {
		return DeliveryOut{}, err
	}
	defer done()
	var found *record.Record
	var callbacks []DeliverySummary
	for ctx.Err() == nil {
		rec, err := recs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return DeliveryOut{}, fmt.Errorf("%s: %w", in.File, err)
		}
		switch {
		case rec.Seq == in.Seq && found == nil && rec.Kind != record.KindExec:
			found = rec
		case found != nil && found.DeliveryID != "" && rec.Kind == record.KindCallback && rec.CallbackFor == found.DeliveryID && len(callbacks) < maxCallbacks:
			callbacks = append(callbacks, s.summary(rec))
		}
	}
	if err := ctx.Err(); err != nil {
		return DeliveryOut{}, err
	}
	if found == nil {
		return DeliveryOut{}, fmt.Errorf("no record %d in %s: list_deliveries shows the numbers", in.Seq, in.File)
	}
	out, err := s.delivery(found, in.Signing)
	out.Callbacks = callbacks
	return out, err
}

// delivery is rec in full, masked with the secrets it is checked with.
func (s *server) delivery(rec *record.Record, sg Signing) (DeliveryOut, error) {
	secrets, note := s.recheckSecrets(rec, sg)
	m := newMasker(secrets)
	out := DeliveryOut{
		DeliverySummary: s.summary(rec), Query: m.text(rec.Query), Headers: map[string]string{},
		BodyEncoding: rec.BodyEncoding, RecordedSig: rec.Signature, RecordedSch: rec.Schema, Forward: rec.Forward,
		RecheckNote: note,
	}
	for k, v := range rec.Headers {
		out.Headers[k] = m.text(v)
	}
	out.Body, out.BodyTruncated = cut(m.text(rec.Body))
	if sch := rec.Schema; sch != nil && len(sch.Errors) > MaxErrors {
		c := *sch
		c.Omitted += len(c.Errors) - MaxErrors
		c.Errors = c.Errors[:MaxErrors]
		out.RecordedSch = &c
	}
	if note == "" {
		out.Recheck = recheck(rec, secrets, m)
	}
	return out, nil
}

// recheckSecrets are the secrets a delivery is checked again with, or why
// it is not.
func (s *server) recheckSecrets(rec *record.Record, sg Signing) ([]string, string) {
	switch {
	case rec.Kind != record.KindDelivery:
		return sg.Secrets, "a " + rec.Kind + " carries no signature"
	case rec.Signature == nil:
		return sg.Secrets, "listen refused the request before reading it"
	}
	for _, v := range rec.Headers {
		if record.Redacted(v) {
			return sg.Secrets, "a header was masked when recorded (a bearer token): the signature cannot be checked again"
		}
	}
	if len(sg.Secrets) > 0 {
		return sg.Secrets, ""
	}
	secrets, err := s.opts.Secrets()
	if err != nil || len(secrets) == 0 {
		return nil, "no secret to check with: give secrets"
	}
	return secrets, ""
}

// recheck verifies rec's signature as of its arrival and, when it fails,
// asks the signature doctor why.
func recheck(rec *record.Record, secrets []string, m masker) *Recheck {
	body, err := rec.RawBody()
	if err != nil {
		return &Recheck{Reason: err.Error()}
	}
	h := rec.HTTPHeader()
	opts := signature.VerifyOptions{Scheme: signature.Auto, Secrets: secrets, Now: rec.ReceivedAt}
	res := signature.Verify(opts, h, body)
	out := &Recheck{Scheme: string(res.Scheme), Valid: res.Valid, Reason: m.text(res.Reason)}
	if !res.Valid {
		if d := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: opts}, h, body, res).Diagnosis; d != nil {
			out.Diagnosis = &signature.Diagnosis{Cause: d.Cause, Detail: m.text(d.Detail)}
		}
	}
	return out
}
