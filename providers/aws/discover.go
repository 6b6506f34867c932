package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Certificate discovery: an Ingress's spec.tls entry without secretName asks, on AWS, for a
// certificate that ACM already holds for each of its hosts (one a user requested or
// imported), as the AWS Load Balancer Controller's discovery does. The region's
// certificates are listed once per snapshot and shared by every load balancer.

// acmCertificate is a certificate of the region as ListCertificates summarises it.
type acmCertificate struct {
	ARN      string
	Names    []string // the domain name and every subject alternative name, lowercase
	Issued   bool
	NotAfter time.Time
}

// listACM lists the region's certificates, every key type, in one paged read (the
// snapshot's kind "acm").
func listACM(ctx context.Context, c caller, cs *Clients) ([]netItem, error) {
	in := &acm.ListCertificatesInput{MaxItems: aws.Int32(1000), Includes: &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()}}
	var out []netItem
	for {
		var resp *acm.ListCertificatesOutput
		err := c.read(ctx, "acm.ListCertificates", "list the region's certificates", func() (err error) {
			resp, err = cs.ACM.ListCertificates(ctx, in)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, s := range resp.CertificateSummaryList {
			out = append(out, netItem{ID: aws.ToString(s.CertificateArn), Cert: summaryOf(s)})
		}
		if in.NextToken = resp.NextToken; aws.ToString(in.NextToken) == "" {
			return out, nil
		}
	}
}

func summaryOf(s acmtypes.CertificateSummary) *acmCertificate {
	c := &acmCertificate{ARN: aws.ToString(s.CertificateArn), Issued: s.Status == acmtypes.CertificateStatusIssued, NotAfter: aws.ToTime(s.NotAfter)}
	for _, n := range append([]string{aws.ToString(s.DomainName)}, s.SubjectAlternativeNameSummaries...) {
		if n = strings.ToLower(n); n != "" && !slices.Contains(c.Names, n) {
			c.Names = append(c.Names, n)
		}
	}
	return c
}

// covers reports how well a certificate name covers a host: 2 for the same name, 1 for a
// wildcard name that covers exactly the host's first label (as TLS clients match), 0 for
// neither.
func covers(name, host string) int {
	switch {
	case name == host:
		return 2
	case strings.HasPrefix(name, "*."):
		_, rest, ok := strings.Cut(host, ".")
		if ok && !strings.HasPrefix(host, "*.") && rest == name[2:] {
			return 1
		}
	}
	return 0
}

// discoverFor picks the certificate for a host: an issued one, not expired at now, whose
// names cover the host, preferring the exact name over a wildcard, then the one valid the
// longest, then the lowest ARN, so that every pass picks the same one.
func discoverFor(certs []*acmCertificate, host string, now time.Time) (string, bool) {
	var best *acmCertificate
	bestScore := 0
	for _, c := range certs {
		if !c.Issued || (!c.NotAfter.IsZero() && !c.NotAfter.After(now)) {
			continue
		}
		score := 0
		for _, n := range c.Names {
			score = max(score, covers(n, host))
		}
		if score == 0 || score < bestScore {
			continue
		}
		if best == nil || score > bestScore || c.NotAfter.After(best.NotAfter) ||
			c.NotAfter.Equal(best.NotAfter) && c.ARN < best.ARN {
			best, bestScore = c, score
		}
	}
	if best == nil {
		return "", false
	}
	return best.ARN, true
}

// usersCertificates keeps the certificates that cover a host to discover and that portico
// did not import: one imported from a TLS Secret belongs to its load balancer, which deletes
// it when it goes, so it is never another's discovered certificate. Tags are read only for
// those candidates, once per process.
func (p *Provider) usersCertificates(ctx context.Context, region string, items []netItem, tls []v1alpha1.TLSCertificate) ([]*acmCertificate, error) {
	cs, err := p.clients.get(ctx, region)
	if err != nil {
		return nil, err
	}
	var out []*acmCertificate
	for _, it := range items {
		if !coversAny(it.Cert, tls) {
			continue
		}
		tags, err := p.reads.certTagsOf(ctx, cs, it.ID)
		if err != nil {
			return nil, fmt.Errorf("read the tags of %s: %w", it.ID, err)
		}
		if _, portico := providers.OwnerFromTags(tags); !portico {
			out = append(out, it.Cert)
		}
	}
	return out, nil
}

// coversAny reports whether the certificate covers a host of a discovered entry.
func coversAny(c *acmCertificate, tls []v1alpha1.TLSCertificate) bool {
	for _, t := range tls {
		for _, h := range t.Hosts {
			for _, n := range c.Names {
				if t.Discovered && covers(n, string(h)) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// needsDiscovery reports whether the load balancer has a certificate to discover.
func needsDiscovery(spec v1alpha1.LoadBalancerSpec) bool {
	return spec.Frontends.HTTPS && slices.ContainsFunc(spec.TLS, func(t v1alpha1.TLSCertificate) bool { return t.Discovered })
}

// discover resolves the discovered certificates of the spec into the site: each host's
// certificate ARN, or an error that names the hosts ACM has none for.
func (p *Provider) discover(ctx context.Context, region string, want *providers.Desired, s *site) error {
	if !needsDiscovery(want.Spec) {
		return nil
	}
	items, err := p.nets.All(ctx, region, "acm")
	if err != nil {
		return fmt.Errorf("list the certificates of %s: %w", region, err)
	}
	certs, err := p.usersCertificates(ctx, region, items, want.Spec.TLS)
	if err != nil {
		return err
	}
	now := p.opts.Clock.Now()
	s.discovered = map[string]string{}
	var missing []string
	for _, t := range want.Spec.TLS {
		for _, h := range t.Hosts {
			if !t.Discovered {
				continue
			}
			if a, ok := discoverFor(certs, string(h), now); ok {
				s.discovered[string(h)] = a
			} else if !slices.Contains(missing, string(h)) {
				missing = append(missing, string(h))
			}
		}
	}
	if len(missing) > 0 {
		s.discoverErr = providers.Invalid("CertificateNotFound", nil,
			"ACM in %s holds no issued, unexpired certificate for %s: request or import one (its domain name or a subject alternative name must cover the host), or name a TLS Secret in spec.tls",
			region, strings.Join(missing, ", "))
	}
	return nil
}
