package scenario

import (
	"encoding/json"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// storyDef is a profile's `story` key: what the subject a scenario's
// steps carry is, and what each event does to it. Members are the
// subject's top-level member names; pointers are JSON Pointers.
type storyDef struct {
	Subject string `yaml:"subject"` // pointer to the object every step carries
	Called  string `yaml:"called"`  // how a run's summary names it ("access request")
	ID      string `yaml:"id"`      // member: its id, drawn fresh when the story starts
	Status  string `yaml:"status"`  // member: its status
	// Dates are members holding milestone dates: null until reached.
	Dates []string `yaml:"dates"`
	Log   string   `yaml:"log"` // member: the list each step adds one entry to
	// Entry is that entry, $time, $author, $action and $text filled in.
	Entry yaml.Node `yaml:"entry"`
	// System is the author of entries no person makes, and the name of a
	// person who is nobody in particular.
	System string `yaml:"system"`
	// Name is the pointer to a person's name within the person.
	Name    string            `yaml:"name"`
	People  map[string]string `yaml:"people"` // the people the story names, by member
	Reviews reviewsDef        `yaml:"reviews"`
	// Verifier says who verifies the work: the first source naming
	// someone.
	Verifier []sourceDef         `yaml:"verifier"`
	Events   map[string]eventDef `yaml:"events"`

	subjectPath string // Subject as a --set path
	subjectToks, eventToks, nameToks,
	typeToks, responsesToks, reviewerToks, responseToks []string
}

// reviewsDef says where a subject's reviews are and what one holds.
type reviewsDef struct {
	List      string `yaml:"list"`      // member: the list of reviews
	Type      string `yaml:"type"`      // pointer in a review: its type
	Responses string `yaml:"responses"` // pointer in a review to its responses, * taking every array element
	Reviewer  string `yaml:"reviewer"`  // pointer in a response: who responds
	Response  string `yaml:"response"`  // pointer in a response: the response
	// Add are reviews an event may require, by type: added when the
	// subject has none of that type; $verifier is filled in.
	Add map[string]yaml.Node `yaml:"add"`
}

// sourceDef is one place a person is found: a review's first reviewer, or
// one of the story's people.
type sourceDef struct {
	Review string `yaml:"review"`
	Person string `yaml:"person"`
}

// eventDef is what one event does to the subject, in this order: dates
// cleared, reached (set unless set already) and set, reviews required
// and responded to, the status set, an entry logged.
type eventDef struct {
	Action string `yaml:"action"` // the entry's action; default: the event name
	Text   string `yaml:"text"`   // the entry's text; {PERSON} is that person's name
	// Author is the entry's author: one of the people, or verifier;
	// default: the system.
	Author  string      `yaml:"author"`
	Status  string      `yaml:"status"`
	Assign  string      `yaml:"assign"` // a person the step's own fixture names, who is then the subject's
	Clear   []string    `yaml:"clear"`
	Reach   []string    `yaml:"reach"`
	Set     []string    `yaml:"set"`
	Require []string    `yaml:"require"`
	Respond []responded `yaml:"respond"`
}

// responded is one `respond` item: every response of the reviews of Type
// becomes Response.
type responded struct {
	Type     string `yaml:"type"`
	Response string `yaml:"response"`
}

var storyKeys = []string{"subject", "called", "id", "status", "dates", "log", "entry", "system", "name", "people", "reviews", "verifier", "events"}

var storyDefs sync.Map // *profile.Profile -> storyDefResult

type storyDefResult struct {
	def *storyDef
	err error
}

// storyOf is the profile's story, nil when it has none.
func storyOf(p *profile.Profile) (*storyDef, error) {
	if p == nil || (p.Story == nil && p.StoryFile == nil) {
		return nil, nil
	}
	if r, ok := storyDefs.Load(p); ok {
		res := r.(storyDefResult)
		return res.def, res.err
	}
	def, err := parseStory(p)
	if err != nil {
		where := "story"
		if p.StoryFile != nil {
			where = "story " + p.StoryFile.Display
		}
		err = fmt.Errorf("profile %s: %s: %w", p.Name, where, err)
	}
	storyDefs.Store(p, storyDefResult{def, err})
	return def, err
}

func parseStory(p *profile.Profile) (*storyDef, error) {
	n, err := p.StoryNode()
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: a mapping of keys: %s", n.Line, strings.Join(storyKeys, ", "))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(storyKeys, k.Value) {
			return nil, fmt.Errorf("line %d: unknown key %q (known: %s)", k.Line, k.Value, strings.Join(storyKeys, ", "))
		}
	}
	def := &storyDef{}
	if err := n.Decode(def); err != nil {
		return nil, err
	}
	if def.Subject == "" || def.ID == "" {
		return nil, fmt.Errorf("line %d: subject and id are required", n.Line)
	}
	if p.Fields.Event == "" {
		return nil, fmt.Errorf("the profile names no fields.event: the story moves on by each step's event")
	}
	for _, t := range []struct {
		ptr string
		dst *[]string
	}{
		{def.Subject, &def.subjectToks}, {p.Fields.Event, &def.eventToks}, {orDefault(def.Name, "/name"), &def.nameToks},
		{def.Reviews.Type, &def.typeToks}, {def.Reviews.Responses, &def.responsesToks},
		{def.Reviews.Reviewer, &def.reviewerToks}, {def.Reviews.Response, &def.responseToks},
	} {
		if *t.dst, err = jsonptr.Split(t.ptr); err != nil {
			return nil, err
		}
	}
	def.subjectPath = strings.Join(def.subjectToks, ".")
	for name, ev := range def.Events {
		for _, person := range []string{ev.Assign, ev.Author} {
			if _, ok := def.People[person]; person != "" && person != "verifier" && !ok {
				return nil, fmt.Errorf("event %s: no person %q in people", name, person)
			}
		}
	}
	return def, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// renderTemplate writes a YAML template as JSON, keys in their order, a
// scalar "$NAME" replaced by vars[NAME].
func renderTemplate(n yaml.Node, vars map[string]json.RawMessage) (json.RawMessage, error) {
	var b strings.Builder
	if err := writeTemplate(&b, &n, vars); err != nil {
		return nil, err
	}
	return json.RawMessage(b.String()), nil
}

func writeTemplate(b *strings.Builder, n *yaml.Node, vars map[string]json.RawMessage) error {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 1 {
			return writeTemplate(b, n.Content[0], vars)
		}
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(n.Content[i].Value)
			b.Write(k)
			b.WriteByte(':')
			if err := writeTemplate(b, n.Content[i+1], vars); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeTemplate(b, c, vars); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case yaml.ScalarNode:
		if name, ok := strings.CutPrefix(n.Value, "$"); ok && n.Tag == "!!str" {
			v, ok := vars[name]
			if !ok {
				return fmt.Errorf("line %d: unknown $%s", n.Line, name)
			}
			b.Write(v)
			return nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b.Write(j)
		return nil
	}
	return fmt.Errorf("line %d: a template is a mapping, list or value", n.Line)
}
