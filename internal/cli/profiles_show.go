package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// profileSummary is one line of `profiles list --output json`.
type profileSummary struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	Kind        string `json:"kind"`
	Schemas     int    `json:"schemas"`
	Fixtures    int    `json:"fixtures"`
	Scheme      string `json:"scheme,omitempty"`
	EventHeader string `json:"event_header,omitempty"`
	IDHeader    string `json:"id_header,omitempty"`
}

func summarize(p *profile.Profile) (profileSummary, error) {
	set, err := p.LoadSchemas()
	if err != nil {
		return profileSummary{}, profileError(err)
	}
	fx, err := p.FixtureList()
	if err != nil {
		return profileSummary{}, profileError(err)
	}
	return profileSummary{Name: p.Name, Source: p.Source, Kind: string(p.Kind), Schemas: len(set.Schemas), Fixtures: len(fx),
		Scheme: p.Scheme, EventHeader: p.EventHeader, IDHeader: p.IDHeader}, nil
}

func profilesListRun(app *App, ps []*profile.Profile, output string) error {
	var rows []profileSummary
	for _, p := range ps {
		s, err := summarize(p)
		if err != nil {
			return err
		}
		rows = append(rows, s)
	}
	if output == "json" {
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSCHEMAS\tFIXTURES\tSCHEME\tSOURCE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", r.Name, r.Schemas, r.Fixtures, orNone(r.Scheme), r.Source)
	}
	return tw.Flush()
}

// profileDetail is `profiles show --output json`.
type profileDetail struct {
	profileSummary
	File      string            `json:"file,omitempty"`
	Location  string            `json:"location"`
	Fields    map[string]string `json:"fields"`
	Schemas   []schemaDetail    `json:"schemas"`
	Events    []string          `json:"events"`
	Fixtures  []fixtureInfo     `json:"fixtures"`
	FixtureAt string            `json:"fixtures_location,omitempty"`
}

type schemaDetail struct {
	Name   string   `json:"name"`
	Title  string   `json:"title,omitempty"`
	Group  string   `json:"group,omitempty"`
	Detect []string `json:"detect"`
}

func detail(p *profile.Profile) (profileDetail, error) {
	s, err := summarize(p)
	if err != nil {
		return profileDetail{}, err
	}
	reg, err := payload.Open([]*profile.Profile{p})
	if err != nil {
		return profileDetail{}, profileError(err)
	}
	d := profileDetail{profileSummary: s, File: p.File, Location: p.Schemas.Display, Fields: map[string]string{},
		Schemas: []schemaDetail{}, Events: []string{}, Fixtures: []fixtureInfo{}}
	for _, f := range fieldRows(p) {
		d.Fields[f[0]] = f[1]
	}
	rules := map[string][]string{}
	for _, r := range reg.DetectRules() {
		rules[r.Schema] = append(rules[r.Schema], r.When)
	}
	set, _ := p.LoadSchemas()
	groups := map[string]string{}
	for _, sc := range set.Schemas {
		groups[p.Qualify(sc.Name)] = sc.Group
	}
	for _, in := range reg.List() {
		sd := schemaDetail{Name: in.Name, Title: in.Title, Detect: rules[in.Name]}
		if p.EventHeader != "" {
			sd.Group = groups[in.Name]
		}
		if sd.Detect == nil {
			sd.Detect = []string{}
		}
		d.Schemas = append(d.Schemas, sd)
	}
	for _, e := range reg.Events() {
		d.Events = append(d.Events, e.Name)
	}
	fx, err := fixture.ListOf([]*profile.Profile{p})
	if err != nil {
		return profileDetail{}, profileError(err)
	}
	for _, f := range fx {
		d.Fixtures = append(d.Fixtures, fixtureInfo{Name: f.Name, Family: f.Family, Description: f.Description, Generated: f.Generated})
	}
	if p.Fixtures != nil {
		d.FixtureAt = p.Fixtures.Display
	}
	return d, nil
}

func profilesShowRun(app *App, p *profile.Profile, output string) error {
	d, err := detail(p)
	if err != nil {
		return err
	}
	if output == "json" {
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		return enc.Encode(d)
	}
	writeDetail(app.Out, p, d)
	return nil
}

func writeDetail(w io.Writer, p *profile.Profile, d profileDetail) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "profile:\t%s\n", d.Name)
	fmt.Fprintf(tw, "source:\t%s\n", d.Source)
	fmt.Fprintf(tw, "schemas:\t%s (%s, %d)\n", d.Location, d.Kind, len(d.Schemas))
	if d.FixtureAt != "" {
		fmt.Fprintf(tw, "fixtures:\t%s (%d)\n", d.FixtureAt, len(d.Fixtures))
	} else {
		fmt.Fprintf(tw, "fixtures:\t%d\n", len(d.Fixtures))
	}
	fmt.Fprintf(tw, "scheme:\t%s\n", orNone(d.Scheme))
	fmt.Fprintf(tw, "event header:\t%s\n", orNone(d.EventHeader))
	fmt.Fprintf(tw, "id header:\t%s\n", orNone(d.IDHeader))
	for _, f := range fieldRows(p) {
		fmt.Fprintf(tw, "field %s:\t%s\n", f[0], strings.TrimSpace(f[1]+" "+f[2]))
	}
	_ = tw.Flush()

	fmt.Fprintln(w, "\nschemas and how each is detected:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range d.Schemas {
		how := "by the payload it accepts (no rule)"
		if len(s.Detect) > 0 {
			how = joinOr(s.Detect)
		}
		if s.Group != "" {
			how = fmt.Sprintf("%s: %s, or %s", p.EventHeader, s.Group, how)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", s.Name, how)
	}
	_ = tw.Flush()
	if len(d.Events) > 0 {
		fmt.Fprintf(w, "\nevents (%s): %s\n", p.Fields.Event, strings.Join(d.Events, ", "))
	}
	if len(d.Fixtures) > 0 {
		fmt.Fprintln(w, "\nfixtures:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range d.Fixtures {
			fmt.Fprintf(tw, "  %s\t%s\n", f.Name, f.Description)
		}
		_ = tw.Flush()
	}
}

func joinOr(ss []string) string { return strings.Join(ss, ", or ") }
