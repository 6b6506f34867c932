package gcp

import (
	"cmp"
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// DefaultNetwork is the network Google gives a project, and the one it assumes when a
// network endpoint group names none.
const DefaultNetwork = "default"

// Defaults are the controller's settings for the classes whose IngressClassParams leave
// them unset (the --gcp-* flags of `portico controller`).
type Defaults struct {
	// Project of the classes that name none; "" reads GOOGLE_CLOUD_PROJECT.
	Project string
	// Network of the network endpoint groups; "" is DefaultNetwork.
	Network string
	// Subnetwork of the network endpoint groups; "" names none.
	Subnetwork string
	// Zones of the nodes: targets of unknown zone go to the first; nil is DefaultZone.
	Zones []string
}

// BindFlags defines the --gcp-* flags.
func (d *Defaults) BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&d.Project, "gcp-project", "", "Google Cloud project of the classes whose IngressClassParams name none; default: $GOOGLE_CLOUD_PROJECT")
	fs.StringVar(&d.Network, "gcp-network", "", "VPC network of the pods, named on network endpoint groups, unless spec.gcp.network says otherwise; default: "+DefaultNetwork)
	fs.StringVar(&d.Subnetwork, "gcp-subnetwork", "", "subnetwork of the pods, named on network endpoint groups, unless spec.gcp.subnetwork says otherwise; default: none")
	fs.Func("gcp-zones", "comma-separated zones of the nodes, unless spec.gcp.zones says otherwise: a target of unknown zone goes to the first; default: "+DefaultZone,
		func(v string) error {
			d.Zones = strings.Split(v, ",")
			return nil
		})
}

var (
	gceNameRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	zoneRE    = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`)
	projectRE = regexp.MustCompile(`^[a-z][-a-z0-9]{4,28}[a-z0-9]$`)
)

// Validate checks the flags as the CRD checks spec.gcp.
func (d Defaults) Validate() error {
	switch {
	case d.Project != "" && !projectRE.MatchString(d.Project):
		return fmt.Errorf("--gcp-project %q is not a project ID", d.Project)
	case d.Network != "" && !gceNameRE.MatchString(d.Network):
		return fmt.Errorf("--gcp-network %q is not a network name", d.Network)
	case d.Subnetwork != "" && !gceNameRE.MatchString(d.Subnetwork):
		return fmt.Errorf("--gcp-subnetwork %q is not a subnetwork name", d.Subnetwork)
	}
	for _, z := range d.Zones {
		if !zoneRE.MatchString(z) {
			return fmt.Errorf("--gcp-zones: %q is not a zone, such as europe-west1-b", z)
		}
	}
	return nil
}

// site is where a load balancer's targets are: what its network endpoint groups name.
type site struct {
	network, subnetwork string
	// zone is the zone of the targets whose zone is not known.
	zone string
}

// siteOf reads the class's spec.gcp, each unset field from the provider's options.
func (p *Provider) siteOf(params *v1alpha1.IngressClassParamsSpec) site {
	s := site{network: cmp.Or(p.opts.Network, DefaultNetwork), subnetwork: p.opts.Subnetwork, zone: p.opts.Zone}
	if params == nil || params.GCP == nil {
		return s
	}
	g := params.GCP
	s.network = cmp.Or(g.Network, s.network)
	s.subnetwork = cmp.Or(g.Subnetwork, s.subnetwork)
	if len(g.Zones) > 0 {
		s.zone = string(g.Zones[0])
	}
	return s
}

// regionOf is the region of a zone: europe-west1-b is in europe-west1.
func regionOf(zone string) string {
	if i := strings.LastIndexByte(zone, '-'); i > 0 {
		return zone[:i]
	}
	return zone
}
