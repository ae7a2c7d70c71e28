// Command benchv5 links santhosh-tekuri/jsonschema/v5 and does nothing else:
// its start-up is the floor for any binary that validates with v5, because
// v5 compiles every draft's metaschema in its package initialisation.
package main

import _ "github.com/santhosh-tekuri/jsonschema/v5"

func main() {}
