package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const fixture = `{
 "metadata": {"apiVersion": "2015-12-01", "protocol": "query"},
 "operations": {
  "Kept": {"input": {"shape": "KeptInput"}},
  "Dropped": {"input": {"shape": "DroppedInput"}}
 },
 "shapes": {
  "KeptInput": {"type": "structure", "required": ["Tags"], "documentation": "long prose",
   "members": {"Tags": {"shape": "TagList", "locationName": "Tag"}, "Port": {"shape": "Port"}}},
  "TagList": {"type": "list", "member": {"shape": "Tag"}, "min": 1, "max": 50},
  "Tag": {"type": "structure", "members": {"Key": {"shape": "Str"}}},
  "Port": {"type": "integer", "min": 1, "max": 65535},
  "Str": {"type": "string", "pattern": "^.*$"},
  "DroppedInput": {"type": "structure", "members": {"X": {"shape": "Unreached"}}},
  "Unreached": {"type": "string"}
 }
}`

// trim keeps the operations asked for and exactly the shapes their inputs reach, with
// what validation reads; prose and patterns go.
func TestTrimKeepsWhatTheOperationsReach(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api-2.json")
	if err := os.WriteFile(path, []byte(fixture), 0o644); err != nil {
		t.Fatal(err)
	}
	svc, err := trim("test", path, []string{"Kept"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range svc.Shapes {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{"KeptInput", "Port", "Str", "Tag", "TagList"}; !slices.Equal(names, want) {
		t.Fatalf("shapes = %v, want %v", names, want)
	}
	if svc.Operations["Kept"] != "KeptInput" || len(svc.Operations) != 1 || svc.Protocol != "query" {
		t.Fatalf("service = %+v", svc)
	}
	l := svc.Shapes["TagList"]
	if l.Min.String() != "1" || l.Max.String() != "50" || svc.Shapes["KeptInput"].Members["Tags"].LocationName != "Tag" {
		t.Fatalf("constraints or wire names lost: %+v", l)
	}
	if _, err := trim("test", path, []string{"Missing"}); err == nil {
		t.Fatal("an operation missing from the model was not an error")
	}
}
