package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// Info names a bundled scenario.
type Info struct {
	Name        string
	Description string
	Steps       []string
}

// Names returns the bundled scenarios' names, sorted.
func Names() []string {
	entries, err := fs.ReadDir(fixtures.Scenarios, "scenarios")
	if err != nil {
		// The embedded directory always exists; reaching this is a build defect.
		panic(fmt.Sprintf("scenario: reading embedded scenarios: %v", err))
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// List returns the bundled scenarios sorted by name. A bundled file that
// does not parse is a build defect, which a test rules out.
func List() []Info {
	var list []Info
	for _, n := range Names() {
		sc, err := Bundled(n)
		if err != nil {
			panic(fmt.Sprintf("scenario: bundled %s: %v", n, err))
		}
		list = append(list, Info{Name: sc.Name, Description: sc.Description, Steps: sc.stepNames()})
	}
	return list
}

// BundledSource returns a bundled scenario's file as it is embedded.
func BundledSource(name string) ([]byte, error) {
	if !slices.Contains(Names(), name) {
		return nil, &UnknownError{Name: name, Known: Names()}
	}
	return fs.ReadFile(fixtures.Scenarios, "scenarios/"+name+".yaml")
}

// Bundled parses a bundled scenario.
func Bundled(name string) (*Scenario, error) {
	src, err := BundledSource(name)
	if err != nil {
		return nil, err
	}
	return Parse(src, name, "")
}

// Open returns the bundled scenario called nameOrPath or, when there is
// none, parses the file at that path. Neither is an *UnknownError.
func Open(nameOrPath string) (*Scenario, error) { return OpenWith(nameOrPath, nil) }

// OpenWith is Open whose steps name the fixtures of list (nil: the
// bundled ones).
func OpenWith(nameOrPath string, list []fixture.Fixture) (*Scenario, error) {
	if slices.Contains(Names(), nameOrPath) {
		src, err := BundledSource(nameOrPath)
		if err != nil {
			return nil, err
		}
		return ParseWith(src, nameOrPath, "", list)
	}
	data, err := input.ReadFile(nameOrPath, MaxFileSize)
	if err == nil {
		return ParseWith(data, nameOrPath, filepath.Dir(nameOrPath), list)
	}
	if tooLarge := (*input.TooLargeError)(nil); errors.As(err, &tooLarge) {
		return nil, &Error{Source: nameOrPath, Msg: fmt.Sprintf("the file is larger than a scenario file may be (%d KiB)", tooLarge.Limit>>10)}
	}
	if errors.Is(err, input.ErrIsDirectory) {
		return nil, &Error{Source: nameOrPath, Msg: "cannot read the file: " + err.Error()}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Source: nameOrPath, Msg: "cannot read the file: " + pe.Err.Error()}
	}
	if strings.ContainsAny(nameOrPath, `/\`) || strings.HasSuffix(nameOrPath, ".yaml") || strings.HasSuffix(nameOrPath, ".yml") {
		return nil, &Error{Source: nameOrPath, Msg: "no such file"}
	}
	return nil, &UnknownError{Name: nameOrPath, Known: Names()}
}

// UnknownError is a name that is neither a bundled scenario nor a file.
type UnknownError struct {
	Name  string
	Known []string
}

func (e *UnknownError) Error() string { return fmt.Sprintf("unknown scenario %q", e.Name) }

// Hint names the scenario the user probably meant, and the bundled ones.
func (e *UnknownError) Hint() string {
	want := strings.ToLower(e.Name)
	for _, k := range e.Known {
		if _, short, _ := strings.Cut(k, "."); want == short || want == strings.ReplaceAll(k, ".", "_") {
			return fmt.Sprintf("did you mean %q? bundled scenarios: %s", k, strings.Join(e.Known, ", "))
		}
	}
	return "give a scenario file's path or one of: " + strings.Join(e.Known, ", ")
}
