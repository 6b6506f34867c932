package urlpaths

import (
	"reflect"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// TestClaimPathsGivesEachPathToTheRuleKubernetesPrefers: Prefix /foo claims /foo and /foo/*,
// but an Exact /foo of equal length wins /foo; a longer Prefix wins its own subtree.
func TestClaimPathsGivesEachPathToTheRuleKubernetesPrefers(t *testing.T) {
	rules := []v1alpha1.PathRule{
		{Path: "/foo", PathType: v1alpha1.PathTypePrefix, Backend: "prefix"},
		{Path: "/foo", PathType: v1alpha1.PathTypeExact, Backend: "exact"},
		{Path: "/foo/bar", PathType: v1alpha1.PathTypePrefix, Backend: "deeper"},
		{Path: "/", PathType: v1alpha1.PathTypePrefix, Backend: "root"},
	}
	got, err := ClaimPaths(rules)
	if err != nil {
		t.Fatal(err)
	}
	want := []Claim{
		{Backend: "prefix", Paths: []string{"/foo/*"}},
		{Backend: "exact", Paths: []string{"/foo"}},
		{Backend: "deeper", Paths: []string{"/foo/bar", "/foo/bar/*"}},
		{Backend: "root", Paths: []string{"/*"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ClaimPaths = %+v\nwant %+v", got, want)
	}
	if _, err := ClaimPaths([]v1alpha1.PathRule{{Path: "/x", PathType: "Regex"}}); err == nil {
		t.Error("an unknown path type was accepted")
	}
}
