package gcp

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

var _ plan.Reporter = (*Provider)(nil)

// Report implements plan.Reporter: the plan of Plan, each resource's spec being the compute
// API's own JSON of it (what portico sends Google, or for a delete what Google holds), so
// that a script can read it with the API's field names and a user can diff it. A network
// endpoint group's endpoints, which Google takes in a call of their own, are the body of
// that call (networkEndpointGroups.attachNetworkEndpoints) in Attach.
func (p *Provider) Report(ctx context.Context, want *providers.Desired) (*plan.Report, error) {
	loc, g, have, err := p.prepare(ctx, want)
	if err != nil {
		return nil, err
	}
	services := map[string]v1alpha1.ServiceRef{}
	for _, be := range want.Spec.Backends {
		services[p.namer.Name(kinds[KindBackendService].abbrev, want.Ref.Name, be.Name)] = be.Service
	}
	head := plan.Report{LoadBalancer: want.Ref.Name, Provider: ProviderName, Location: loc}
	rep := p.engine.Report(p.engine.Plan(g, have), head, func(r plan.Resource) (json.RawMessage, *v1alpha1.ServiceRef, []string) {
		var svc *v1alpha1.ServiceRef
		if ref, ok := services[r.Name]; ok && r.Kind == KindBackendService {
			svc = &ref
		}
		m := reportMessage(r, projectOf(loc), svc)
		return apiJSON(m), svc, routingOf(r, m, svc)
	})
	for i, res := range rep.Resources {
		if n, ok := specOf(g, have, res).(negSpec); ok && len(n.Endpoints) > 0 {
			rep.Resources[i].Attach = apiJSON(&computepb.NetworkEndpointGroupsAttachEndpointsRequest{NetworkEndpoints: n.Endpoints})
		}
	}
	return rep, nil
}

// specOf finds the spec of a reported resource: the wanted one, or for a delete the cloud's.
func specOf(g plan.Graph, have []plan.Resource, res plan.ReportResource) any {
	pool := g.Resources
	if res.Op == providers.OpDelete {
		pool = have
	}
	for _, r := range pool {
		if r.Kind == res.Kind && r.Name == res.Name {
			return r.Spec
		}
	}
	return nil
}

// reportMessage is the compute message of a resource as the plan prints it: a copy with
// the API's kind (so that each spec says which message it is), a group's zone and size, a
// backend service's Kubernetes Service in its description, and never a private key.
func reportMessage(r plan.Resource, project string, svc *v1alpha1.ServiceRef) proto.Message {
	var m proto.Message
	switch s := r.Spec.(type) {
	case negSpec:
		g := proto.Clone(s.Group).(*computepb.NetworkEndpointGroup)
		g.Zone = proto.String("projects/" + project + "/zones/" + s.Zone)
		g.Size = proto.Int32(int32(len(s.Endpoints)))
		m = g
	case certSpec:
		c := proto.Clone(s.Cert).(*computepb.SslCertificate)
		c.PrivateKey = nil
		m = c
	case proto.Message:
		m = proto.Clone(s)
	default:
		return nil
	}
	if bs, ok := m.(*computepb.BackendService); ok && svc != nil {
		bs.Description = proto.String(DescriptionWithService(bs.GetDescription(), *svc))
	}
	setKind(m)
	return m
}

// DescriptionWithService adds to an ownership description the Kubernetes Service and port a
// backend service serves ("portico.dev/service": "namespace/name:port"), unless it names one
// already. Kept in one function so that it folds into providers.Owner once the description
// written at create time carries the Service too.
func DescriptionWithService(desc string, svc v1alpha1.ServiceRef) string {
	const key = "portico.dev/service"
	rest, ok := strings.CutPrefix(desc, "portico: ")
	fields := map[string]string{}
	if !ok || json.Unmarshal([]byte(rest), &fields) != nil {
		return desc
	}
	if _, named := fields[key]; named {
		return desc
	}
	port := svc.PortName
	if port == "" {
		port = itoa(svc.PortNumber)
	}
	fields[key] = svc.Namespace + "/" + svc.Name + ":" + port
	b, _ := json.Marshal(fields) // map keys sorted: the same description every time
	return "portico: " + string(b)
}

// setKind sets a message's kind field as Google reports it: "compute#urlMap".
func setKind(m proto.Message) {
	r := m.ProtoReflect()
	f := r.Descriptor().Fields().ByName("kind")
	if f == nil {
		return
	}
	name := string(r.Descriptor().Name())
	lower := []rune(name)
	lower[0] = unicode.ToLower(lower[0])
	r.Set(f, protoreflect.ValueOfString("compute#"+string(lower)))
}

// apiJSON is the compute API's JSON of a message (protojson with the API's field names).
func apiJSON(m proto.Message) json.RawMessage {
	if m == nil {
		return nil
	}
	b, err := protojson.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}
