package scenario

import (
	"context"
	"errors"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// Checked is a rendered step checked against its schema.
type Checked struct {
	Delivery
	Result payload.Result
	// NoSchema says no schema's detection rule matched the payload, so it
	// goes unvalidated (a user's own kind of webhook).
	NoSchema bool
}

// Validate checks every rendered step against the schema detected for it,
// as send does before it sends. It returns every step's result; the error
// is for a registry that cannot check at all, or ctx's once it is done.
func Validate(ctx context.Context, reg *payload.Registry, ds []Delivery) ([]Checked, error) {
	out := make([]Checked, 0, len(ds))
	for _, d := range ds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := reg.Check(d.Body, "")
		var nm payload.NoMatchError
		switch {
		case errors.As(err, &nm):
			out = append(out, Checked{Delivery: d, NoSchema: true})
			continue
		case err != nil:
			return nil, err
		}
		out = append(out, Checked{Delivery: d, Result: res})
	}
	return out, nil
}
