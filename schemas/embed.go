// Package schemas holds the bundled vendor profiles: each NAME.profile.yaml
// says what the tool knows of one webhook provider, in the same format a
// user writes, and its JSON Schemas (draft 2020-12) sit in the directory it
// names: permit/create_user.json is the schema "permit.create_user".
package schemas

import (
	"embed"
	"io/fs"
	"strings"
)

// FS holds the bundled profile files and their schema directories.
//
//go:embed *.profile.yaml *.story.yaml permit permission_assist
var FS embed.FS

// Profiles names the bundled profile files in the order their detection
// rules are tried and their schemas listed in messages.
var Profiles = []string{"permit.profile.yaml", "permission_assist.profile.yaml"}

// BaseURL is the prefix of every bundled schema's $id; the schema named N has
// the $id BaseURL + N + ".json". A bundled file is read under the URL
// RootURL + its path ("schemas/permit/create_user.json"), which its own
// absolute $id then replaces.
const BaseURL = "https://github.com/webhook-tool/webhook-tool/schemas/"

// RootURL is the URL of the directory holding schemas/ and fixtures/.
const RootURL = "https://github.com/webhook-tool/webhook-tool/"

// Path is the file in FS of the bundled schema name:
// "permit.create_user" is "permit/create_user.json".
func Path(name string) string { return strings.Replace(name, ".", "/", 1) + ".json" }

// Files lists the schema files in FS, sorted.
func Files() []string {
	files, _ := fs.Glob(FS, "*/*.json")
	return files
}
