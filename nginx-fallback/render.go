package nginxfallback

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// site is what one host serves (host "" is the catch-all): the host rule's paths of the
// LoadBalancer that owns it, and that LoadBalancer's default backend.
type site struct {
	host  v1alpha1.Hostname
	lb    *LoadBalancer
	paths []v1alpha1.PathRule
}

// Render returns the nginx configuration that serves in. The output depends only on in, not
// on the order of its lists or maps, so an unchanged input never causes a reload. A value
// that cannot be rendered safely is an error naming the LoadBalancer and the value.
func Render(in Input) ([]byte, error) {
	if err := checkSettings(in.Settings); err != nil {
		return nil, err
	}
	lbs, err := sortedLoadBalancers(in.LoadBalancers)
	if err != nil {
		return nil, err
	}
	sites, err := sitesOf(lbs, in)
	if err != nil {
		return nil, err
	}
	ups, err := upstreamsOf(sites)
	if err != nil {
		return nil, err
	}
	var c conf
	renderMain(&c, in.Settings)
	var renderErr error
	c.block("http", nil, func() {
		renderHTTPSettings(&c)
		for _, u := range ups {
			c.blank()
			renderUpstream(&c, u)
		}
		renderErr = renderSites(&c, sites, in.Settings)
		if in.Settings.StatusPort != 0 {
			renderStatus(&c, in.Settings.StatusPort)
		}
	})
	if renderErr != nil {
		return nil, renderErr
	}
	return c.b.Bytes(), nil
}

func checkSettings(s Settings) error {
	for _, p := range []int{s.HTTPPort, s.HTTPSPort} {
		if p < 1 || p > 65535 {
			return fmt.Errorf("listen port %d is out of range", p)
		}
	}
	if s.HTTPPort == s.HTTPSPort {
		return fmt.Errorf("HTTP and HTTPS listen on the same port %d", s.HTTPPort)
	}
	if s.StatusPort < 0 || s.StatusPort > 65535 || s.StatusPort == s.HTTPPort || s.StatusPort == s.HTTPSPort {
		return fmt.Errorf("status port %d is out of range or taken by HTTP or HTTPS", s.StatusPort)
	}
	if s.RedirectHTTPSPort < 0 || s.RedirectHTTPSPort > 65535 || s.WorkerProcesses < 0 {
		return fmt.Errorf("redirect port %d or worker count %d is out of range", s.RedirectHTTPSPort, s.WorkerProcesses)
	}
	if s.ListenAddress != "" {
		if _, err := checkTarget(s.ListenAddress, 1); err != nil {
			return fmt.Errorf("listen address: %w", err)
		}
	}
	return nil
}

func sortedLoadBalancers(in []LoadBalancer) ([]*LoadBalancer, error) {
	out := make([]*LoadBalancer, len(in))
	seen := map[string]bool{}
	for i := range in {
		if seen[in[i].Name] {
			return nil, fmt.Errorf("loadbalancer %s is listed twice", shown(in[i].Name))
		}
		seen[in[i].Name] = true
		out[i] = &in[i]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// sitesOf lists the sites to serve, the catch-all first, then by host. A host rule is
// rendered only by the LoadBalancer that owns the host.
func sitesOf(lbs []*LoadBalancer, in Input) ([]site, error) {
	catchAll := site{}
	byHost := map[v1alpha1.Hostname]*site{}
	for _, lb := range lbs {
		if lb.Name == in.CatchAll {
			catchAll.lb = lb
		}
		for _, rule := range lb.Spec.Rules {
			if err := checkRule(rule); err != nil {
				return nil, fmt.Errorf("loadbalancer %s: %w", shown(lb.Name), err)
			}
			if rule.Host == "" {
				if lb.Name == in.CatchAll {
					catchAll.paths = append(catchAll.paths, rule.Paths...)
				}
				continue
			}
			owner, ok := in.HostOwners[rule.Host]
			if !ok {
				return nil, fmt.Errorf("loadbalancer %s: host %s has no owner", shown(lb.Name), rule.Host)
			}
			if owner != lb.Name {
				continue
			}
			if byHost[rule.Host] == nil {
				byHost[rule.Host] = &site{host: rule.Host, lb: lb}
			}
			byHost[rule.Host].paths = append(byHost[rule.Host].paths, rule.Paths...)
		}
	}
	if in.CatchAll != "" && catchAll.lb == nil {
		return nil, fmt.Errorf("the catch-all owner %s is not among the load balancers", shown(in.CatchAll))
	}
	sites := []site{catchAll}
	for _, h := range sortedKeys(byHost) {
		sites = append(sites, *byHost[h])
	}
	return sites, nil
}

func checkRule(rule v1alpha1.HostRule) error {
	if rule.Host != "" {
		if err := checkHost(rule.Host); err != nil {
			return err
		}
	}
	for _, p := range rule.Paths {
		if err := checkPath(p.Path); err != nil {
			return err
		}
		if err := checkPathType(p.PathType); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// renderMain renders the main context: pid and error log inside the prefix, and no
// `daemon` directive, so that a supervisor can add `-g 'daemon off;'`.
func renderMain(c *conf, s Settings) {
	workers := "auto"
	if s.WorkerProcesses > 0 {
		workers = strconv.Itoa(s.WorkerProcesses)
	}
	c.directive("worker_processes", workers)
	c.directive("pid", PidFile)
	c.directive("error_log", ErrorLog, "warn")
	c.block("events", nil, func() {
		c.directive("worker_connections", "4096")
	})
}
