package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// OpenAPIError is a --schema FILE that is an OpenAPI document with several
// webhooks: which one is meant must be said.
type OpenAPIError struct {
	File     string
	Webhooks []string
}

func (e *OpenAPIError) Error() string {
	return fmt.Sprintf("%s is an OpenAPI document with %d webhooks (%s), not one schema", e.File, len(e.Webhooks), strings.Join(e.Webhooks, ", "))
}

// Resolve turns a --schema value into a schema name: a known name, or the path
// of a schema file, which is loaded under its path. An OpenAPI document with
// one webhook is that webhook's schema; with several it is an
// *OpenAPIError.
func (r *Registry) Resolve(nameOrPath string) (string, error) {
	if _, err := r.lookup(nameOrPath); err == nil {
		return nameOrPath, nil
	}
	st, err := os.Stat(nameOrPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &UnknownSchemaError{Name: nameOrPath, Known: r.Names()}
		}
		return "", fmt.Errorf("cannot read schema %s: %w", nameOrPath, unwrapPath(err))
	}
	if st.IsDir() {
		return "", fmt.Errorf("schema %s is a directory: give it to --schema-dir or --profile", nameOrPath)
	}
	raw, err := input.ReadFile(nameOrPath, maxSchemaFile)
	if err != nil {
		return "", fmt.Errorf("cannot read schema %s: %w", nameOrPath, unwrapPath(err))
	}
	if profile.IsOpenAPI(raw) {
		return r.resolveOpenAPI(nameOrPath)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.addFile(nameOrPath, nameOrPath, raw)
	if err != nil {
		return "", err
	}
	e.adhoc = true
	return nameOrPath, nil
}

// resolveOpenAPI loads an OpenAPI document given to --schema: its one
// webhook is the schema.
func (r *Registry) resolveOpenAPI(path string) (string, error) {
	p, err := profile.Load(path)
	if err != nil {
		return "", err
	}
	set, err := p.LoadSchemas()
	if err != nil {
		return "", err
	}
	if len(set.Schemas) != 1 {
		var names []string
		for _, s := range set.Schemas {
			names = append(names, s.Name)
		}
		return "", &OpenAPIError{File: path, Webhooks: names}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flushPending(); err != nil {
		return "", err
	}
	res := set.Resources[0]
	if err := r.comp.AddResource(res.URL, bytes.NewReader(res.Raw)); err != nil {
		return "", fmt.Errorf("schema %s: %w", path, err)
	}
	r.docs[res.URL] = &lazyDoc{raw: res.Raw}
	s := set.Schemas[0]
	r.entries[path] = &entry{Info: Info{Name: path, Source: path}, url: s.URL, prof: p, short: s.Name, doc: r.docs[res.URL], adhoc: true, fieldToks: fieldTokens(p)}
	return path, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// addFile loads a schema file under name and returns its entry; r.mu held.
func (r *Registry) addFile(name, path string, raw []byte) (*entry, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("schema %s is not valid JSON: %w", path, err)
	}
	title := ""
	if m, ok := doc.(map[string]any); ok {
		title, _ = m["title"].(string)
		// A schema's own absolute $id is where its $refs resolve from;
		// register it there so the error explainer finds it by that URL.
		if id, ok := m["$id"].(string); ok {
			if pu, err := url.Parse(id); err == nil && pu.IsAbs() {
				u = strings.TrimSuffix(id, "#")
			}
		}
	} else if _, ok := doc.(bool); !ok {
		return nil, fmt.Errorf("schema %s is not a JSON object", path)
	}
	if err := r.flushPending(); err != nil {
		return nil, err
	}
	if err := r.comp.AddResource(u, bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("schema %s: %w", path, err)
	}
	d := decoded(raw, doc)
	r.docs[u] = d
	e := &entry{Info: Info{Name: name, Title: title, Source: path}, url: u, raw: raw, doc: d}
	r.entries[name] = e
	return e, nil
}
