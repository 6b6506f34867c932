package gcptest

import (
	"sort"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// project holds one project's resources, global and zonal, and the index of
// who refers to whom that deletion checks.
type project struct {
	name      string
	items     map[string]map[string]proto.Message // collection → key → resource
	refs      map[string][]string                 // selfLink → the URLs it refers to
	users     map[string]map[string]bool          // URL → selfLinks of its users
	endpoints map[string][]*computepb.NetworkEndpoint
	members   map[string][]string // instance group selfLink → instance URLs
	health    map[string]string   // NEG selfLink#ip:port → reported health state
	requests  map[string]string   // requestId → operation key, for idempotent retries
}

func newProject(name string) *project {
	return &project{name: name, items: map[string]map[string]proto.Message{},
		refs: map[string][]string{}, users: map[string]map[string]bool{},
		endpoints: map[string][]*computepb.NetworkEndpoint{}, members: map[string][]string{}, health: map[string]string{}, requests: map[string]string{}}
}

// itemKey is a resource's key in its collection: zonal names are unique per zone.
func itemKey(k *kind, zone, name string) string {
	if k.zonal {
		return zone + "/" + name
	}
	return name
}

func (p *project) selfLink(k *kind, zone, name string) string {
	loc := "global"
	if k.zonal {
		loc = "zones/" + zone
	}
	return ref{project: p.name, location: loc, collection: k.collection, name: name}.url()
}

func (p *project) lookup(k *kind, zone, name string) (proto.Message, bool) {
	m, ok := p.items[k.collection][itemKey(k, zone, name)]
	return m, ok
}

// put stores m and re-indexes its references.
func (p *project) put(k *kind, zone string, m proto.Message) {
	if p.items[k.collection] == nil {
		p.items[k.collection] = map[string]proto.Message{}
	}
	name := getString(m, "name")
	p.items[k.collection][itemKey(k, zone, name)] = m
	link := getString(m, "selfLink")
	p.unindex(link)
	p.refs[link] = refsOf(m, p.name)
	if k.extraRefs != nil {
		p.refs[link] = append(p.refs[link], k.extraRefs(p, m)...)
	}
	for _, r := range p.refs[link] {
		if p.users[r] == nil {
			p.users[r] = map[string]bool{}
		}
		p.users[r][link] = true
	}
}

func (p *project) remove(k *kind, zone, name string) {
	m, ok := p.lookup(k, zone, name)
	if !ok {
		return
	}
	link := getString(m, "selfLink")
	p.unindex(link)
	delete(p.items[k.collection], itemKey(k, zone, name))
	delete(p.endpoints, link)
	delete(p.members, link)
	for key := range p.health {
		if strings.HasPrefix(key, link+"#") {
			delete(p.health, key)
		}
	}
}

func (p *project) unindex(link string) {
	for _, r := range p.refs[link] {
		delete(p.users[r], link)
	}
	delete(p.refs, link)
}

// usersOf lists, sorted, the resources that refer to link.
func (p *project) usersOf(link string) []string {
	var out []string
	for u := range p.users[link] {
		if u != link {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

// inZone lists a collection's resources, sorted by name; zone "" means all zones.
func (p *project) inZone(k *kind, zone string) []proto.Message {
	var out []proto.Message
	for key, m := range p.items[k.collection] {
		if !k.zonal || zone == "" || key == itemKey(k, zone, getString(m, "name")) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return getString(out[i], "name") < getString(out[j], "name") })
	return out
}
