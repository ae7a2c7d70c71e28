package config

import "github.com/spf13/viper"

// fileKey is the key of the file v that sets the flag name: the flag's
// own, else an alias of it; "" when there is none.
func fileKey(v *viper.Viper, name string, aliases map[string]string) string {
	if v == nil {
		return ""
	}
	if v.IsSet(name) {
		return name
	}
	for alias, flag := range aliases {
		if flag == name && v.IsSet(alias) {
			return alias
		}
	}
	return ""
}

// knownKeys are the keys a config file may hold: every flag's name and
// every alias.
func knownKeys(opts Options) []string {
	known := opts.Known()
	for alias := range opts.Aliases {
		known = append(known, alias)
	}
	return known
}
