// Package schemas holds the bundled JSON Schemas (draft 2020-12), one file per
// payload family, named as the schema is known to users: permit.create_user.json
// is the schema "permit.create_user".
package schemas

import "embed"

// FS holds every bundled schema file at its top level.
//
//go:embed *.json
var FS embed.FS

// BaseURL is the prefix of every bundled schema's $id; the schema named N has
// the $id BaseURL + N + ".json".
const BaseURL = "https://github.com/webhook-tool/webhook-tool/schemas/"
