package gcptest

import (
	"slices"
	"sort"
)

// iam is the caller's allow-list and the permissions its calls exercised.
type iam struct {
	allowed map[string]bool // nil: every permission is granted
	used    map[string]bool
	denied  map[string]bool
}

func newIAM(perms []string) iam {
	a := iam{used: map[string]bool{}, denied: map[string]bool{}}
	if perms != nil {
		a.allowed = map[string]bool{}
		for _, p := range perms {
			a.allowed[p] = true
		}
	}
	return a
}

// authorize checks the call's permission (compute.<resource>.<verb>, as the
// API reference names it for each method) against the allow-list: 403 outside it.
func (s *Server) authorize(c *call) error {
	if s.iam.allowed != nil && !s.iam.allowed[c.permission] {
		s.iam.denied[c.permission] = true
		return errForbidden(c.permission, "projects/"+c.project)
	}
	s.iam.used[c.permission] = true
	return nil
}

// UsedPermissions lists, sorted, every permission a granted call needed.
func (s *Server) UsedPermissions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.iam.used)
}

// DeniedPermissions lists, sorted, every permission a call was refused for.
func (s *Server) DeniedPermissions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.iam.denied)
}

// Permissions lists, sorted, every permission some method of the emulator needs.
func Permissions() []string {
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r.kind.permission(r.verb)] = true
	}
	return sortedKeys(seen)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return slices.Clip(out)
}
