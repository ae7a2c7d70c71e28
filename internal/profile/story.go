package profile

import (
	"errors"
	"io/fs"

	"go.yaml.in/yaml/v3"
)

// StoryNode is the profile's story: the mapping written under `story`, or
// the one in the file `story: FILE` names, which is read and parsed only
// now. Every command reads the profiles; only scenarios read a story, and
// the bundled one is most of its profile's lines. nil when there is none.
func (p *Profile) StoryNode() (*yaml.Node, error) {
	if p == nil || p.Story != nil || p.StoryFile == nil {
		if p == nil {
			return nil, nil
		}
		return p.Story, nil
	}
	f := p.StoryFile
	raw, err := f.ReadFile(".")
	if err != nil {
		return nil, errorf(f.Display, 0, "", "cannot read the story: %v", err)
	}
	if len(raw) > maxProfileFile {
		return nil, errorf(f.Display, 0, "", "a story file is at most %d KiB", maxProfileFile>>10)
	}
	return parseYAML(raw, f.Display)
}

// checkFile reports an error unless l is a regular file.
func (l Location) checkFile() error {
	if l.IsDir() {
		return errors.New("is a directory")
	}
	st, err := fs.Stat(l.FS, l.Path)
	if err != nil {
		return unwrapPath(err)
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}
