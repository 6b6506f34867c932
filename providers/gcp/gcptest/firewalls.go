package gcptest

import (
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// firewalls are VPC firewall rules.
var firewalls = register(&kind{
	collection: "firewalls", iamName: "firewalls", kindName: "compute#firewall",
	newItem: func() proto.Message { return &computepb.Firewall{} },
	newList: func() proto.Message { return &computepb.FirewallList{} },
	patch:   true, update: true,
	immutable: []string{"network", "direction"},
	validate: func(p *project, m proto.Message) error {
		f := m.(*computepb.Firewall)
		firewallDefaults(p.name, f)
		if len(f.Allowed) == 0 && len(f.Denied) == 0 {
			return errInvalid("Invalid value for field 'resource': a firewall rule must have allowed or denied entries")
		}
		if len(f.Allowed) > 0 && len(f.Denied) > 0 {
			return errInvalid("Invalid value for field 'resource': a firewall rule cannot both allow and deny")
		}
		return nil
	},
})

func init() { addCRUD(firewalls) }

func firewallDefaults(project string, f *computepb.Firewall) {
	if f.Network == nil {
		f.Network = proto.String(googleBase + "projects/" + project + "/global/networks/default")
	}
	if f.Direction == nil {
		f.Direction = proto.String("INGRESS")
	}
	if f.Priority == nil {
		f.Priority = proto.Int32(1000)
	}
}
