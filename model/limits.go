package model

import (
	"fmt"
)

// Limits of one LoadBalancer, as its CRD enforces them (api/v1alpha1 MaxItems markers). The
// model checks them before merging a member, so that the API server never rejects a whole
// load balancer because of one large Ingress: that Ingress is left out instead.
const (
	maxHosts        = 1000 // spec.rules
	maxPathsPerHost = 1000 // spec.rules[].paths
	maxBackends     = 1000 // spec.backends
	maxMembers      = 1000 // spec.members
	maxCertificates = 100  // spec.tls
	maxHostsPerCert = 100  // spec.tls[].hosts
)

// exceedsLimits says which limit adding the draft would break, or "".
func (m *merger) exceedsLimits(d *draft) string {
	if len(m.members)+1 > maxMembers {
		return fmt.Sprintf("the load balancer already has %d members, the most it can hold", maxMembers)
	}
	paths := map[string]int{}
	for key := range m.routes {
		paths[key.host]++
	}
	newBackends := 0
	for _, r := range d.routes {
		if _, dup := m.routes[routeKey{host: r.host, path: r.path, pathType: r.pathType}]; dup {
			continue
		}
		paths[r.host]++
		if _, known := m.backends[r.backend]; !known {
			newBackends++
		}
	}
	if len(paths) > maxHosts {
		return fmt.Sprintf("the load balancer would have %d hosts; at most %d are allowed", len(paths), maxHosts)
	}
	for host, n := range paths {
		if n > maxPathsPerHost {
			return fmt.Sprintf("host %s would have %d paths; at most %d are allowed", hostText(host), n, maxPathsPerHost)
		}
	}
	if len(m.backends)+newBackends+1 > maxBackends {
		return fmt.Sprintf("the load balancer would have more than %d backends", maxBackends)
	}
	return m.exceedsCertificateLimits(d)
}

func (m *merger) exceedsCertificateLimits(d *draft) string {
	hosts := map[string]int{}
	for key, c := range m.certs {
		hosts[key] = len(c.Hosts)
	}
	for _, t := range d.tls {
		hosts[certKey(t.cert)] += len(t.cert.Hosts)
	}
	if len(hosts) > maxCertificates {
		return fmt.Sprintf("the load balancer would have %d TLS certificates; at most %d are allowed", len(hosts), maxCertificates)
	}
	for key, n := range hosts {
		if n > maxHostsPerCert {
			return fmt.Sprintf("certificate %s would serve %d hosts; at most %d are allowed", key, n, maxHostsPerCert)
		}
	}
	return ""
}
