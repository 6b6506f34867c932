package gcp

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// googleBase starts every URL Google returns; canonical fields and references drop it, as
// Google takes relative references ("projects/p/global/healthChecks/h") too.
const googleBase = "https://www.googleapis.com/compute/v1/"

// negSpec is a network endpoint group and the endpoints it should hold: the endpoints are
// attached and detached apart from the group, and the zone is part of its URL.
type negSpec struct {
	Group     *computepb.NetworkEndpointGroup
	Zone      string
	Endpoints []*computepb.NetworkEndpoint
}

// fieldsOf returns the canonical value of every field portico owns in a resource: a NEG's
// zone and endpoints, or the compact JSON of a message's field, references made relative
// ("" when unset). Wanted and read resources pass through it alike, so they compare equal.
func fieldsOf(kind string, spec any) map[string]string {
	if n, ok := spec.(negSpec); ok {
		out := messageFields(kind, n.Group)
		out[fieldZone] = n.Zone
		out[fieldEndpoints] = endpointList(n.Endpoints)
		return out
	}
	if g, ok := spec.(igSpec); ok {
		return g.fields()
	}
	if c, ok := spec.(certSpec); ok {
		return messageFields(kind, c.Cert)
	}
	return messageFields(kind, spec.(proto.Message))
}

func messageFields(kind string, m proto.Message) map[string]string {
	all := map[string]json.RawMessage{}
	if b, err := protojson.Marshal(m); err == nil {
		_ = json.Unmarshal(b, &all)
	}
	out := map[string]string{}
	for _, f := range kinds[kind].owned {
		if f == fieldZone || f == fieldEndpoints || f == fieldInstances {
			continue
		}
		out[f] = canonical(all[f])
	}
	return out
}

// canonical compacts JSON (protojson varies its spacing on purpose) and drops googleBase.
func canonical(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return strings.ReplaceAll(b.String(), googleBase, "")
}

// endpointList is the sorted "ip:port" list of endpoints, as JSON.
func endpointList(eps []*computepb.NetworkEndpoint) string {
	out := make([]string, 0, len(eps))
	for _, e := range eps {
		out = append(out, endpointKey(e))
	}
	slices.Sort(out)
	b, _ := json.Marshal(out)
	return string(b)
}

// relative drops googleBase from a URL.
func relative(url string) string { return strings.TrimPrefix(url, googleBase) }

// stringField reads a canonical field that holds a JSON string; "" when it holds none.
func stringField(v string) string {
	var s string
	_ = json.Unmarshal([]byte(v), &s)
	return s
}
