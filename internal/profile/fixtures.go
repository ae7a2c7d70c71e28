package profile

import (
	"fmt"
	"slices"
	"sort"
)

// Fixture is one sample payload of a profile.
type Fixture struct {
	Name        string // full: PROFILE.SHORT
	Short       string // the file's path under the fixtures directory without .json, or the OpenAPI webhook's key
	Profile     string // the profile's name
	Description string
	// Schema is the short name of the schema the fixture is for, when the
	// profile says (an OpenAPI webhook's examples); "" when detection
	// decides.
	Schema string
	// Generated fixtures were made from the schema: the webhook has no
	// example.
	Generated bool

	load func() ([]byte, error)
}

// Load returns the fixture's JSON text.
func (f Fixture) Load() ([]byte, error) { return f.load() }

// FixtureList lists the profile's sample payloads, sorted by name: the JSON
// files under its fixtures directory, and for an OpenAPI source the
// examples of each webhook (KEY, or KEY/EXAMPLE when it has several) and,
// for a webhook without one, a payload generated from its schema.
func (p *Profile) FixtureList() ([]Fixture, error) {
	var out []Fixture
	if p.Fixtures != nil {
		files, err := p.Fixtures.JSONFiles()
		if err != nil {
			return nil, fmt.Errorf("fixtures %s: %w", p.Fixtures.Display, err)
		}
		loc := *p.Fixtures
		for _, rel := range files {
			short := ShortName(rel)
			out = append(out, Fixture{
				Name: p.Qualify(short), Short: short, Profile: p.Name, Description: p.Descriptions[short],
				load: func() ([]byte, error) { return loc.ReadFile(rel) },
			})
		}
	}
	if p.Kind == KindOpenAPI {
		set, err := p.LoadSchemas()
		if err != nil {
			return nil, err
		}
		for _, s := range set.Schemas {
			out = append(out, p.webhookFixtures(set, s, out)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// webhookFixtures are one webhook's examples, or its generated payload;
// names a fixture file already has are left to the file.
func (p *Profile) webhookFixtures(set *SchemaSet, s Schema, have []Fixture) []Fixture {
	taken := func(short string) bool {
		return slices.ContainsFunc(have, func(f Fixture) bool { return f.Short == short })
	}
	var out []Fixture
	for _, ex := range s.Examples {
		short := s.Name
		if len(s.Examples) > 1 && ex.Name != "" {
			short = s.Name + "/" + ex.Name
		}
		if taken(short) {
			continue
		}
		raw := ex.Raw
		desc := p.Descriptions[short]
		if desc == "" {
			desc = "example of the " + s.Name + " webhook"
		}
		out = append(out, Fixture{Name: p.Qualify(short), Short: short, Profile: p.Name, Description: desc, Schema: s.Name,
			load: func() ([]byte, error) { return raw, nil }})
	}
	if len(s.Examples) == 0 && !taken(s.Name) {
		desc := p.Descriptions[s.Name]
		if desc == "" {
			desc = "generated from the " + s.Name + " webhook's schema (it has no example)"
		}
		out = append(out, Fixture{Name: p.Qualify(s.Name), Short: s.Name, Profile: p.Name, Description: desc, Schema: s.Name, Generated: true,
			load: func() ([]byte, error) { return Generate(set, s) }})
	}
	return out
}
