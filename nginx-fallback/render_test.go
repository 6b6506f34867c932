package nginxfallback

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// TestRenderRefusesInputsItCannotServe checks the errors a controller could cause: each
// names the LoadBalancer or the setting at fault.
func TestRenderRefusesInputsItCannotServe(t *testing.T) {
	web := func() *lbBuilder { return lb("a").host("a.test").prefix("/", "web").target("web", "10.0.0.1", 80) }
	cases := map[string]struct {
		in   func() Input
		want string
	}{
		"host without owner": {func() Input {
			in := input(web())
			delete(in.HostOwners, "a.test")
			return in
		}, `loadbalancer "a": host a.test has no owner`},
		"unknown catch-all owner": {func() Input {
			in := input(web())
			in.CatchAll = "gone"
			return in
		}, `the catch-all owner "gone" is not among the load balancers`},
		"backend not in spec.backends": {func() Input {
			b := web()
			b.lb.Spec.Backends = nil
			return input(b)
		}, `loadbalancer "a": backend "web" is not listed in spec.backends`},
		"a LoadBalancer twice": {func() Input { return input(web(), web()) }, `loadbalancer "a" is listed twice`},
		"port out of range": {func() Input {
			in := input(web())
			in.Settings.HTTPSPort = 70000
			return in
		}, "listen port 70000 is out of range"},
		"same port twice": {func() Input {
			in := input(web())
			in.Settings.HTTPSPort = in.Settings.HTTPPort
			return in
		}, "HTTP and HTTPS listen on the same port 8080"},
		"timeout out of range":     {func() Input { return input(web().timeout("web", 86401)) }, "timeout of 86401 seconds"},
		"target port out of range": {func() Input { return input(web().target("web", "10.0.0.2", 0)) }, "target port 0 of 10.0.0.2"},
		"zoned IPv6 target":        {func() Input { return input(web().target("web", "fe80::1%eth0", 80)) }, `target address "fe80::1%eth0"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Render(tc.in())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestLocationsFollowTheKubernetesChoice checks the locations against the Kubernetes choice
// (route) for every rule set of the path table and every request path of it: the location
// nginx would pick, by its own rules, sends the request where Kubernetes does.
func TestLocationsFollowTheKubernetesChoice(t *testing.T) {
	var requests []string
	for _, tc := range pathTable {
		requests = append(requests, strings.SplitN(tc.path, "?", 2)[0])
	}
	requests = append(requests, "/", "/foo/bar", "/aaa", "/aaa/", "/fo", "/foo//")
	for _, tc := range pathTable {
		var paths []v1alpha1.PathRule
		for _, r := range tc.rules {
			paths = append(paths, v1alpha1.PathRule{PathType: r[0], Path: r[1], Backend: r[0] + " " + r[1]})
		}
		locs := locationsOf(paths, "")
		for _, req := range requests {
			want, _ := route(paths, req)
			got, redirect := nginxChoice(locs, req)
			if redirect || got != want {
				t.Errorf("rules %v, request %s: nginx picks %q (redirect %v), Kubernetes %q", tc.rules, req, got, redirect, want)
			}
		}
	}
}

// nginxChoice is nginx's location choice for a path among exact and prefix locations (no
// regex): an exact match, else the longest prefix; and whether nginx would answer with its
// automatic 301, which it does when the path plus "/" names a location and no exact
// location takes the path.
func nginxChoice(locs []location, path string) (string, bool) {
	var best *location
	redirect := false
	for i := range locs {
		l := &locs[i]
		if l.exact && l.path == path {
			return l.backend, false
		}
		if l.path == path+"/" {
			redirect = true
		}
		if !l.exact && strings.HasPrefix(path, l.path) && (best == nil || len(l.path) > len(best.path)) {
			best = l
		}
	}
	if redirect {
		return "", true
	}
	return best.backend, false
}
