package gcptest

import (
	"fmt"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// globalAddresses are reserved external IPv4 addresses (global/addresses).
var globalAddresses = register(&kind{
	collection: "addresses", iamName: "globalAddresses", kindName: "compute#address",
	newItem: func() proto.Message { return &computepb.Address{} },
	newList: func() proto.Message { return &computepb.AddressList{} },
	prepare: prepareAddress,
	present: func(p *project, m proto.Message) {
		a := m.(*computepb.Address)
		a.Users = p.usersOf(a.GetSelfLink())
		if len(a.Users) > 0 {
			a.Status = proto.String("IN_USE")
		}
	},
	validate: func(_ *project, m proto.Message) error {
		a := m.(*computepb.Address)
		if t := a.GetAddressType(); t != "" && t != "EXTERNAL" {
			return errInvalid("Invalid value for field 'resource.addressType': '%s'. The emulator reserves only EXTERNAL global addresses", t)
		}
		return nil
	},
})

func init() { addCRUD(globalAddresses) }

// prepareAddress fills what Google fills: the IP (when none was asked for),
// the type, the tier and the status.
func prepareAddress(s *Server, _ *project, m proto.Message) {
	a := m.(*computepb.Address)
	if a.Address == nil {
		a.Address = proto.String(s.newIP())
	}
	a.AddressType = proto.String("EXTERNAL")
	if a.IpVersion == nil {
		a.IpVersion = proto.String("IPV4")
	}
	a.NetworkTier = proto.String("PREMIUM")
	a.Status = proto.String("RESERVED")
}

// newIP allocates a distinct IPv4 address from 34.0.0.0/8, where Google's
// global addresses live.
func (s *Server) newIP() string {
	n := s.newID() % (1 << 24)
	return fmt.Sprintf("34.%d.%d.%d", n>>16&0xff, n>>8&0xff, n&0xff|1)
}

// addressWithIP returns the selfLink of the project's address that holds ip.
func (p *project) addressWithIP(ip string) (string, bool) {
	for _, m := range p.items[globalAddresses.collection] {
		if m.(*computepb.Address).GetAddress() == ip {
			return getString(m, "selfLink"), true
		}
	}
	return "", false
}
