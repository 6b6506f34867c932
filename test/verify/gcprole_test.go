package verify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers/gcp"
)

// TestGCPRoleIsThePermissionList checks that the custom role of docs/install-gcp.md lists
// exactly gcp.RolePermissions, so that a permission added to the provider (and to its list,
// which the contract suite forces) never misses from the role users create. hack/docgen
// writes the role; this catches a page edited by hand or not regenerated.
func TestGCPRoleIsThePermissionList(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "install-gcp.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, role, ok := strings.Cut(string(page), "includedPermissions:\n")
	if !ok {
		t.Fatal("docs/install-gcp.md has no role with includedPermissions")
	}
	var listed []string
	for _, line := range strings.Split(role, "\n") {
		p, ok := strings.CutPrefix(line, "- ")
		if !ok {
			break
		}
		listed = append(listed, p)
	}
	if want := gcp.RolePermissions(); !slices.Equal(listed, want) {
		t.Errorf("the role of docs/install-gcp.md lists\n%v\nthe provider needs\n%v\nrun `make generate`", listed, want)
	}
}
