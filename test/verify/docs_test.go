package verify

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryReasonIsDocumented reads the Reason constants of the API and the controllers and
// checks that docs/status.md lists each, so that a user who sees a reason can look it up.
func TestEveryReasonIsDocumented(t *testing.T) {
	root := repoRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "status.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{
		"api/v1alpha1/conditions.go",
		"controllers/ingress/events.go",
		"controllers/loadbalancer/events.go",
	}
	found := 0
	for _, f := range files {
		for name, value := range reasonConstants(t, filepath.Join(root, f)) {
			found++
			if !strings.Contains(string(doc), "`"+value+"`") {
				t.Errorf("%s (%s in %s) is not in docs/status.md", value, name, f)
			}
		}
	}
	if found < 15 {
		t.Errorf("found only %d reason constants; did the files move?", found)
	}
}

// reasonConstants returns the string constants named Reason* of a Go file.
func reasonConstants(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Reason") || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					out[name.Name] = v
				}
			}
		}
	}
	return out
}
