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
		"controllers/loadbalancer/healthevents.go",
		"api/v1alpha1/readiness.go",
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
	providerReasons := providerErrorReasons(t, filepath.Join(root, "providers", "fake"))
	if len(providerReasons) < 10 {
		t.Errorf("found only %d reasons in the fake provider; did the code move?", len(providerReasons))
	}
	for _, r := range providerReasons {
		if !strings.Contains(string(doc), "`"+r+"`") {
			t.Errorf("the fake provider's reason %s is not in docs/status.md", r)
		}
	}
}

// providerErrorReasons returns the reasons a provider package gives its errors: the first
// argument of providers.Retryable, Invalid, Quota and NotFound, and its Reason* constants.
func providerErrorReasons(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, v := range reasonConstants(t, f) {
			seen[v] = true
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(parsed, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || pkg.Name != "providers" || !strings.Contains("Retryable Invalid Quota NotFound", sel.Sel.Name) {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				seen[v] = true
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	return out
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
