package cli

import (
	"fmt"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// sendSrc is what send knows of its payload's provider before it reads the
// payload: the profiles in use, their fixtures, and the fixture named.
type sendSrc struct {
	profiles []*profile.Profile
	given    bool // the profiles came from --profile (or its config), not the bundled default
	list     []fixture.Fixture
	fixture  *fixture.Fixture // the FIXTURE argument, nil for a file, - or --data
	reg      *payload.Registry
}

// sendSource loads --profile's profiles and finds the fixture the FIXTURE
// argument names, if it names one.
func sendSource(opts *SendOptions) (*sendSrc, error) {
	ps, err := loadProfiles(opts.Profiles)
	if err != nil {
		return nil, err
	}
	list, err := fixture.ListOf(ps)
	if err != nil {
		return nil, profileError(err)
	}
	src := &sendSrc{profiles: ps, given: len(opts.Profiles) > 0, list: list}
	if opts.Source != "" && opts.Data == "" {
		if f, err := fixture.Find(list, opts.Source); err == nil {
			src.fixture = &f
		}
	}
	return src, nil
}

// scheme is the scheme to sign in: --scheme when it was given, else the
// scheme of the --profile the payload is of (the fixture's, or the one
// profile given), else --scheme's default.
func (s *sendSrc) scheme(opts *SendOptions) string {
	if opts.schemeGiven || !s.given {
		return opts.Scheme
	}
	p := givenProfile(opts.Profiles, s.profiles)
	if s.fixture != nil {
		p = s.fixture.Profile
	}
	if p != nil && p.Scheme != "" {
		return p.Scheme
	}
	return opts.Scheme
}

// fixtureProfile is the fixture's profile, nil for a file: detection
// decides a file's.
func (s *sendSrc) fixtureProfile() *profile.Profile {
	if s.fixture == nil {
		return nil
	}
	return s.fixture.Profile
}

// checkOutgoing validates the rendered payload (unless --no-validate) and
// returns the schema it is for: the detected (or --schema) one, or an
// OpenAPI example's own; "" when none is known.
func checkOutgoing(app *App, opts *SendOptions, src *sendSrc, name string, body []byte) (string, error) {
	own := ""
	if src.fixture != nil {
		own = src.fixture.Schema
	}
	if opts.NoValidate && !src.needsSchema(own) {
		return own, nil
	}
	reg, schema, err := openProfiles(src.profiles, opts.SchemaDirs, opts.Schema)
	if err != nil {
		return "", err
	}
	src.reg = reg
	if opts.NoValidate {
		if res, err := reg.Check(body, schema); err == nil && res.Schema != "" {
			return res.Schema, nil
		}
		return own, nil
	}
	detected, err := validateOutgoing(app, opts, reg, schema, name, body)
	if detected == "" {
		detected = own
	}
	return detected, err
}

// needsSchema reports whether the headers of a payload that is not
// validated depend on the schema it is for: a profile names an event
// header, and the fixture does not say its schema.
func (s *sendSrc) needsSchema(own string) bool {
	if own != "" {
		return false
	}
	for _, p := range s.profiles {
		if p.EventHeader != "" {
			return true
		}
	}
	return false
}

// headers are the profile's event header, set to the schema's group, and
// the name of its id header, which carries each delivery's id; empty
// when the payload's profile names none.
func (s *sendSrc) headers(schema string) (event signature.Header, idHeader string) {
	var p *profile.Profile
	group := ""
	if s.reg != nil && schema != "" {
		p, group = s.reg.SchemaProfile(schema)
	}
	if p == nil {
		if p = s.fixtureProfile(); p == nil {
			return signature.Header{}, ""
		}
	}
	if p.EventHeader != "" && group != "" {
		event = signature.Header{Name: p.EventHeader, Value: group}
	}
	return event, p.IDHeader
}

// exampleFixtures are the first fixture of each bundled profile, for the
// help's examples: the names stay true as the bundled data changes.
func exampleFixtures() []fixture.Fixture {
	var out []fixture.Fixture
	for _, f := range fixture.List() {
		if len(out) == 0 || out[len(out)-1].Family != f.Family {
			out = append(out, f)
		}
	}
	return out
}

// exampleFixture is the i-th of exampleFixtures (the last when there are
// fewer), or a placeholder.
func exampleFixture(i int) fixture.Fixture {
	fs := exampleFixtures()
	if len(fs) == 0 {
		return fixture.Fixture{Name: "PROFILE.FIXTURE", Family: "PROFILE"}
	}
	return fs[min(i, len(fs)-1)]
}

// sendExamples are send's examples, built from the bundled fixtures.
func sendExamples() string {
	a, b := exampleFixture(0), exampleFixture(1) // b: of a profile that names its scheme, when one does
	for _, f := range exampleFixtures() {
		if f.Profile != nil && f.Profile.Scheme != "" {
			b = f
		} else {
			a = f
		}
	}
	lines := []string{
		fmt.Sprintf("webhook-tool send %s --to http://127.0.0.1:8080/ --secret \"$SECRET\"", a.Name),
		fmt.Sprintf("webhook-tool send --profile %s %s --to https://app.example.com/hooks/%s --secret \"$TOKEN\"", b.Family, b.Name, b.Family),
		"webhook-tool send --profile ./github.profile.yaml github.issues/opened --to http://127.0.0.1:3000/webhooks --secret \"$SECRET\"",
		"webhook-tool send my-delivery.json --to http://127.0.0.1:3000/webhooks --set email=ada@example.com",
		fmt.Sprintf("webhook-tool send %s --to http://127.0.0.1:3000/webhooks \\\n      --callback-base http://127.0.0.1:8080/webhooks/callback/", a.Name),
		fmt.Sprintf("webhook-tool send %s --to http://127.0.0.1:8080/ --scheme none --dry-run", b.Name),
		fmt.Sprintf("webhook-tool send %s --to http://127.0.0.1:8080/ \\\n      --secret \"$SECRET\" --count 10000 --concurrency 32 --rate 500", a.Name),
	}
	return "  " + strings.Join(lines, "\n  ")
}
