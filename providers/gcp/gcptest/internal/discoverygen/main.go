// Command discoverygen writes the trimmed copy of the compute API's discovery document
// that gcptest embeds to check request and response bodies. It reads
// compute/v1/compute-api.json from the google.golang.org/api module this module requires
// (so the copy follows go.mod), keeps the schemas that the methods of the emulated
// collections take and return, and of each field only what validation needs: its type,
// format, reference, items, map values, enum and whether Google owns it (output only).
//
// Run it through `go generate ./providers/gcp/gcptest` (part of `make generate`);
// hack/verify.sh fails when the copy is stale.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// collections are the discovery resources whose methods gcptest serves or will serve:
// adding one here and regenerating is all a new kind needs for its bodies to be checked.
var collections = []string{
	"globalAddresses", "healthChecks", "backendServices", "urlMaps", "targetHttpProxies",
	"targetHttpsProxies", "sslCertificates", "globalForwardingRules", "networkEndpointGroups",
	"firewalls", "globalOperations", "zoneOperations", "instanceGroups", "sslPolicies", "instances",
}

const module = "google.golang.org/api"

type doc struct {
	Revision  string                     `json:"revision"`
	Resources map[string]resource        `json:"resources"`
	Schemas   map[string]json.RawMessage `json:"schemas"`
}

type resource struct {
	Methods map[string]struct {
		Request *struct {
			Ref string `json:"$ref"`
		} `json:"request"`
		Response *struct {
			Ref string `json:"$ref"`
		} `json:"response"`
	} `json:"methods"`
}

// field is a schema or property as discovery spells it.
type field struct {
	ID                   string            `json:"id,omitempty"`
	Type                 string            `json:"type,omitempty"`
	Format               string            `json:"format,omitempty"`
	Ref                  string            `json:"$ref,omitempty"`
	Description          string            `json:"description,omitempty"`
	Enum                 []string          `json:"enum,omitempty"`
	Items                *field            `json:"items,omitempty"`
	AdditionalProperties *field            `json:"additionalProperties,omitempty"`
	Properties           map[string]*field `json:"properties,omitempty"`
	OutputOnly           bool              `json:"outputOnly,omitempty"`
}

// trimmed is what gcptest embeds.
type trimmed struct {
	Source   string            `json:"source"`
	Revision string            `json:"revision"`
	Schemas  map[string]*field `json:"schemas"`
}

func main() {
	out := flag.String("o", "compute-schemas.json", "the file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "discoverygen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	dir, version, err := moduleDir()
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(dir, "compute", "v1", "compute-api.json"))
	if err != nil {
		return err
	}
	var d doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	t := trimmed{Source: module + "@" + version + " compute/v1/compute-api.json", Revision: d.Revision, Schemas: map[string]*field{}}
	for _, name := range roots(d) {
		if err := add(d, t.Schemas, name); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(t); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// moduleDir asks the go command where the required version of the module is.
func moduleDir() (string, string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", module)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m %s: %w", module, err)
	}
	dir, version, ok := strings.Cut(strings.TrimSpace(string(b)), " ")
	if !ok || dir == "" {
		return "", "", fmt.Errorf("%s is not downloaded; run go mod download", module)
	}
	return dir, version, nil
}

// roots are the schemas the collections' methods take as bodies and return.
func roots(d doc) []string {
	seen := map[string]bool{}
	for _, c := range collections {
		for _, m := range d.Resources[c].Methods {
			if m.Request != nil {
				seen[m.Request.Ref] = true
			}
			if m.Response != nil {
				seen[m.Response.Ref] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// add copies a schema, trimmed, and every schema it refers to.
func add(d doc, into map[string]*field, name string) error {
	if _, ok := into[name]; ok || name == "" {
		return nil
	}
	raw, ok := d.Schemas[name]
	if !ok {
		return fmt.Errorf("schema %s is missing from the discovery document", name)
	}
	var f field
	if err := json.Unmarshal(raw, &f); err != nil {
		return err
	}
	into[name] = &f
	var refs []string
	trim(&f, &refs)
	for _, r := range refs {
		if err := add(d, into, r); err != nil {
			return err
		}
	}
	return nil
}

// trim drops what validation does not read and marks output-only fields, which discovery
// tells only in prose: "[Output Only]" or "Output only." opens the description.
func trim(f *field, refs *[]string) {
	desc := strings.ToLower(f.Description)
	f.OutputOnly = strings.Contains(desc, "[output only]") || strings.HasPrefix(desc, "output only.")
	f.Description, f.ID = "", ""
	if f.Ref != "" {
		*refs = append(*refs, f.Ref)
	}
	for _, sub := range []*field{f.Items, f.AdditionalProperties} {
		if sub != nil {
			trim(sub, refs)
		}
	}
	for _, p := range f.Properties {
		trim(p, refs)
	}
}
