package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

func newSchemasCmd(app *App) *cobra.Command {
	var dirs, specs []string
	cmd := &cobra.Command{
		Use:   "schemas",
		Short: "List the schemas (bundled, or a profile's) or print one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	stringArrayVar(cmd.PersistentFlags(), &dirs, "schema-dir", "add the *.json schemas under `DIR`, named by their path in it (repeatable)")
	addProfileFlag(cmd.PersistentFlags(), &specs)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)

	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the schemas: the profiles' (bundled by default) and those from --schema-dir",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			reg, _, err := openRegistry(specs, dirs, "")
			if err != nil {
				return err
			}
			infos := reg.List()
			if output == "json" {
				enc := json.NewEncoder(app.Out)
				enc.SetEscapeHTML(false)
				for _, in := range infos {
					if err := enc.Encode(in); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
			for _, in := range infos {
				src := ""
				if in.Source != "bundled" {
					src = "  (" + in.Source + ")"
				}
				fmt.Fprintf(tw, "%s\t%s%s\n", in.Name, in.Title, src)
			}
			return tw.Flush()
		},
	}
	addOutputFlag(list, &output, "text", "text", "json")

	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a schema as JSON Schema, usable by any other validator",
		Example: `  webhook-tool schemas show NAME > hook.schema.json
  ajv validate --spec=draft2020 -c ajv-formats -s hook.schema.json -d delivery.json
  webhook-tool schemas show --profile ./openapi.yaml openapi.order.created`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			reg, _, err := openRegistry(specs, dirs, "") // the flags are parsed before completion
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return reg.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, _, err := openRegistry(specs, dirs, "")
			if err != nil {
				return err
			}
			src, err := reg.Source(args[0])
			var ue *payload.UnknownSchemaError
			if errors.As(err, &ue) {
				return unknownSchemaError(ue, false)
			}
			if err != nil {
				return usageError(err, "")
			}
			_, err = app.Out.Write(src)
			return err
		},
	}
	cmd.AddCommand(list, show, newSchemasInferCmd(app, &dirs, &specs), newSchemasDriftCmd(app, &dirs, &specs))
	return cmd
}
