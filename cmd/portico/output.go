package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// outputFormat is the -o flag every command shares: text, json or yaml.
type outputFormat string

func (o *outputFormat) addFlag(cmd *cobra.Command) {
	*o = "text"
	cmd.Flags().VarP(o, "output", "o", "output format: text, json or yaml")
}

func (o *outputFormat) String() string { return string(*o) }
func (o *outputFormat) Type() string   { return "format" }

func (o *outputFormat) Set(s string) error {
	switch s {
	case "text", "json", "yaml":
		*o = outputFormat(s)
		return nil
	}
	return fmt.Errorf("unknown output format %q: use text, json or yaml", s)
}

// print writes v as JSON or YAML, or text as it is.
func (o outputFormat) print(w io.Writer, v any, text string) error {
	switch o {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return fmt.Errorf("encoding yaml: %w", err)
		}
		_, err = w.Write(b)
		return err
	}
	_, err := io.WriteString(w, text)
	return err
}
