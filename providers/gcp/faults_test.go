package gcp_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/providertest"
	"github.com/portico-dev/portico/providers/retry"
)

// faultPolicy is how the providers of a contract cloud retry once it injects faults: as Dial
// wires them, with short waits so that the suite is fast.
var faultPolicy = retry.CallPolicy{Backoff: retry.Backoff{Initial: time.Millisecond, Factor: 2, Max: 8 * time.Millisecond}, Retries: 2}

// SetFaults injects the faults in gcptest: a failed call answers 429 or 503. The first call
// wires the SDK's retries into the cloud's clients, as Dial does, for good.
func (c *contractCloud) SetFaults(f providertest.Faults) {
	if !c.retries {
		c.retries = true
		gcp.WithRetries(c.clients, faultPolicy)
	}
	c.srv.SetFaults(gcptest.Faults{ErrorRate: f.CallFailures, Codes: []int{http.StatusTooManyRequests, http.StatusServiceUnavailable},
		OperationFailureRate: f.OperationFailures, LostResponseRate: f.LostAnswers, Seed: f.Seed})
}

// Faulted counts the calls answered 429 or 503: failed by the faults, or whose answer was
// lost. (No call of the suite meets a real 429 or 503.)
func (c *contractCloud) Faulted() int {
	n := 0
	for _, call := range c.srv.Calls() {
		if call.Status == http.StatusTooManyRequests || call.Status == http.StatusServiceUnavailable {
			n++
		}
	}
	return n
}

// volatile are the fields two clouds give the same resource differently.
var volatile = map[protoreflect.Name]bool{"id": true, "creation_timestamp": true, "fingerprint": true,
	"label_fingerprint": true, "self_link_with_id": true, "address": true, "I_p_address": true, "expire_time": true}

// Fields returns every resource by path, as JSON without the fields two clouds give
// differently, with the address a forwarding rule uses named, the endpoints of each network
// endpoint group and the members of each instance group. The clusters' nodes are left out,
// as Resources leaves them.
func (c *contractCloud) Fields() map[string]string {
	ipName := map[string]string{}
	for _, path := range c.srv.Inventory() {
		if m, _ := c.srv.Resource(path); m != nil {
			if a, ok := m.(*computepb.Address); ok {
				ipName[a.GetAddress()] = a.GetName()
			}
		}
	}
	zone := func(z string) string { return z[strings.LastIndex(z, "/")+1:] }
	out := map[string]string{}
	for _, path := range c.srv.Inventory() {
		parts := strings.Split(path, "/") // projects/P/{global|zones/Z}/COLLECTION/NAME
		if parts[len(parts)-2] == "instances" {
			continue
		}
		m, _ := c.srv.Resource(path)
		if m == nil {
			continue
		}
		extra := ""
		switch v := m.(type) {
		case *computepb.ForwardingRule:
			extra = " address=" + ipName[v.GetIPAddress()]
		case *computepb.NetworkEndpointGroup:
			extra = fmt.Sprintf(" endpoints=%v", c.srv.Endpoints(zone(v.GetZone()), v.GetName()))
		case *computepb.InstanceGroup:
			extra = fmt.Sprintf(" members=%v", c.srv.Members(parts[1], zone(v.GetZone()), v.GetName()))
		}
		m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if volatile[fd.Name()] {
				m.ProtoReflect().Clear(fd)
			}
			return true
		})
		b, err := protojson.MarshalOptions{}.Marshal(m)
		if err != nil {
			out[path] = "unmarshalable: " + err.Error()
			continue
		}
		s := strings.Join(strings.Fields(string(b)), " ") + extra
		out[path] = strings.ReplaceAll(s, c.srv.URL(), "")
	}
	return out
}
