package nginxfallback

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// WriteTree renders in into dir as a prefix directory that `nginx -p DIR -c nginx.conf`
// runs as is: the configuration and the certificate directory (0700) with its files (0600).
// It is for tools and tests that run nginx without a Supervisor (portico plan --write-dir);
// it validates nothing, since the machine may have no nginx. dir is created if missing and
// must not already hold a configuration, so that nothing a user had there is overwritten.
// It returns the configuration and the certificate files' paths relative to dir.
func WriteTree(ctx context.Context, dir string, in Input) ([]byte, []string, error) {
	config, err := Render(in)
	if err != nil {
		return nil, nil, fmt.Errorf("render the nginx configuration: %w", err)
	}
	files, err := certificateFiles(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := writeTree(dir, config, files); err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, filepath.ToSlash(filepath.Join(CertDir, f.name)))
	}
	return config, names, nil
}

// ClaimsInOrder decides the claims of LoadBalancers listed oldest first, as the controller
// does across LoadBalancers: each host goes to the first that has a rule for it, and the
// catch-all (rules without host, the default backend) to the first that has either. It
// returns the owners and the losers, by LoadBalancer name, each with the claims it lost
// ("" stands for the catch-all).
func ClaimsInOrder(lbs []LoadBalancer) (owners map[v1alpha1.Hostname]string, catchAll string, lost map[string][]v1alpha1.Hostname) {
	owners, lost = map[v1alpha1.Hostname]string{}, map[string][]v1alpha1.Hostname{}
	claim := func(lb string, host v1alpha1.Hostname) {
		if host == "" {
			switch catchAll {
			case "":
				catchAll = lb
			case lb:
			default:
				lost[lb] = appendOnce(lost[lb], host)
			}
			return
		}
		switch owner, ok := owners[host]; {
		case !ok:
			owners[host] = lb
		case owner != lb:
			lost[lb] = appendOnce(lost[lb], host)
		}
	}
	for _, lb := range lbs {
		for _, r := range lb.Spec.Rules {
			claim(lb.Name, r.Host)
		}
		if lb.Spec.DefaultBackend != "" {
			claim(lb.Name, "")
		}
	}
	return owners, catchAll, lost
}

func appendOnce(list []v1alpha1.Hostname, h v1alpha1.Hostname) []v1alpha1.Hostname {
	for _, x := range list {
		if x == h {
			return list
		}
	}
	return append(list, h)
}
