package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/webhook-tool/webhook-tool/internal/config"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// addProfileFlag adds --profile, shared by every command that reads
// schemas or fixtures. The config file's key is `profiles:` (a list) and
// the environment's WEBHOOK_TOOL_PROFILE (comma-separated).
func addProfileFlag(fs *pflag.FlagSet, specs *[]string) {
	stringArrayVar(fs, specs, "profile", "a provider's schemas and fixtures: a bundled name, a profile file, a schema directory "+
		"or an OpenAPI document as `SPEC` (repeatable; default: the bundled)")
}

// profileCompletion offers the bundled profiles' names, and files.
func profileCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return profile.BundledNames(), cobra.ShellCompDirectiveDefault
}

// loadProfiles loads --profile's specs, or the bundled profiles when
// there are none.
func loadProfiles(specs []string) ([]*profile.Profile, error) {
	ps, err := profile.LoadAll(specs)
	if err != nil {
		return nil, profileError(err)
	}
	return ps, nil
}

// profileError is a usage error for a profile that cannot be used, with
// the profile's own hint.
func profileError(err error) error {
	var pe *profile.Error
	if errors.As(err, &pe) {
		hint := pe.Hint
		if hint == "" {
			hint = "`webhook-tool help profiles` describes the profile file"
		}
		return usageError(err, hint)
	}
	return usageError(err, "")
}

func newProfilesCmd(app *App) *cobra.Command {
	var specs []string
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List the webhook providers the tool knows, or describe one",
		// Long is the profiles help topic (topics/profiles.txt).
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	addProfileFlag(cmd.PersistentFlags(), &specs)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)

	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the profiles in use: the bundled ones, or those --profile gives",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			ps, err := loadProfiles(specs)
			if err != nil {
				return err
			}
			return profilesListRun(app, ps, output)
		},
	}
	addOutputFlag(list, &output, "text", "text", "json")

	var showOutput string
	show := &cobra.Command{
		Use:   "show NAME|SPEC",
		Short: "Describe a profile: its schemas and their detection, fields, scheme and fixtures",
		Example: `  webhook-tool profiles show github.profile.yaml
  webhook-tool profiles show ./openapi.yaml --output json`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return profile.BundledNames(), cobra.ShellCompDirectiveDefault
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if err := checkOutput(showOutput, "text", "json"); err != nil {
				return err
			}
			p, err := profile.Load(args[0])
			if err != nil {
				return profileError(err)
			}
			return profilesShowRun(app, p, showOutput)
		},
	}
	addOutputFlag(show, &showOutput, "text", "text", "json")
	cmd.AddCommand(list, show)
	return cmd
}

// flagGiven reports whether the flag name was set: on the command line,
// in the environment or in the config file (not its default).
func flagGiven(cmd *cobra.Command, name string) bool {
	f := cmd.Flags().Lookup(name)
	return f != nil && (f.Changed || config.Source(f) != "")
}

// givenProfile is the one profile --profile gave (on the command line, in
// WEBHOOK_TOOL_PROFILE or the config file), nil when none or several
// were: the profile whose scheme and headers a command may take as its
// defaults.
func givenProfile(specs []string, ps []*profile.Profile) *profile.Profile {
	if len(specs) == 0 || len(ps) != 1 {
		return nil
	}
	return ps[0]
}

// openRegistry loads the profiles and the user's schema directories and
// resolves --schema, so a typo fails before any payload is read.
func openRegistry(specs, dirs []string, schema string) (*payload.Registry, string, error) {
	ps, err := loadProfiles(specs)
	if err != nil {
		return nil, "", err
	}
	return openProfiles(ps, dirs, schema)
}

// openProfiles is openRegistry of profiles already loaded.
func openProfiles(ps []*profile.Profile, dirs []string, schema string) (*payload.Registry, string, error) {
	reg, err := payload.Open(ps, dirs...)
	if err != nil {
		var pe *profile.Error
		if errors.As(err, &pe) {
			return nil, "", profileError(err)
		}
		return nil, "", usageError(err, "check --schema-dir and the schema files in it")
	}
	if schema == "" {
		return reg, "", nil
	}
	name, err := reg.Resolve(schema)
	if err != nil {
		var ue *payload.UnknownSchemaError
		var oe *payload.OpenAPIError
		var pe *profile.Error
		switch {
		case errors.As(err, &ue):
			return nil, "", unknownSchemaError(ue, true)
		case errors.As(err, &oe):
			return nil, "", usageError(err, openAPIHint(oe))
		case errors.As(err, &pe):
			return nil, "", profileError(err)
		}
		return nil, "", usageError(err, "")
	}
	if err := reg.Compile(name); err != nil {
		return nil, "", usageError(err, "fix the schema, or check it with `webhook-tool validate --schema` on a known-good payload")
	}
	return reg, name, nil
}

// openAPIHint says how to pick one webhook of an OpenAPI document.
func openAPIHint(oe *payload.OpenAPIError) string {
	name := "NAME"
	if p, err := profile.Load(oe.File); err == nil && len(oe.Webhooks) > 0 {
		name = p.Qualify(oe.Webhooks[0])
	}
	return fmt.Sprintf("give it to --profile %s and pick one with --schema %s, or let detection choose", oe.File, name)
}

// fieldRows are a profile's fields as (key, pointer, note) rows.
func fieldRows(p *profile.Profile) [][3]string {
	rows := [][3]string{
		{"id", p.IDPointer(), ""},
		{"event", p.Fields.Event, ""},
		{"callback", p.Fields.Callback, ""},
		{"invite", p.Fields.Invite, ""},
		{"timestamp", p.Fields.Timestamp, ""},
	}
	if p.Fields.ID == "" && p.IDPointer() != "" {
		rows[0][2] = "(default)"
	}
	var out [][3]string
	for _, r := range rows {
		if r[1] != "" {
			out = append(out, r)
		}
	}
	return out
}

// orNone is s, or "-" when it is empty.
func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
