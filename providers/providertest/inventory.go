package providertest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// owner is the owner record of a load balancer of a cluster.
func owner(cluster, lb string) providers.Owner {
	return providers.Owner{ClusterID: cluster, LoadBalancer: lb}
}

// ownedBy returns the resources the cloud records as owned by o, as "Kind name", sorted.
func ownedBy(rs []Resource, o providers.Owner) []string {
	var out []string
	for _, r := range rs {
		if r.Owner.Base() == o {
			out = append(out, r.id())
		}
	}
	slices.Sort(out)
	return out
}

// ownerless returns the resources nothing records an owner of: leaked for good, as no
// cluster would ever find them to delete.
func ownerless(rs []Resource) []string {
	return ownedBy(rs, providers.Owner{})
}

// census counts the resources of each kind per owner: "cluster/lb Kind" → count. Two clouds
// with the same census hold the same load balancers, whatever names the cloud gave.
func census(rs []Resource) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Owner.ClusterID+"/"+r.Owner.LoadBalancer+" "+r.Kind]++
	}
	return out
}

// censusDiff describes how got differs from want, one line per owner and kind; "" if equal.
func censusDiff(got, want map[string]int) string {
	keys := slices.Sorted(maps.Keys(got))
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		if got[k] != want[k] {
			out = append(out, fmt.Sprintf("%s: %d, want %d", k, got[k], want[k]))
		}
	}
	return strings.Join(out, "; ")
}

// observedNames returns the resources an Observed lists, as "Kind name", sorted.
func observedNames(rs []v1alpha1.CloudResource) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Kind+" "+r.Name)
	}
	slices.Sort(out)
	return out
}

// refNames returns the names of refs, sorted.
func refNames(rs []providers.Ref) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

// refs returns refs as "name@location", sorted.
func refs(rs []providers.Ref) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name+"@"+r.Location)
	}
	slices.Sort(out)
	return out
}

// without returns the elements of all that are not in some, keeping their order.
func without(all, some []string) []string {
	var out []string
	for _, s := range all {
		if !slices.Contains(some, s) {
			out = append(out, s)
		}
	}
	return out
}

// id names a resource in messages and comparisons: its kind and name, after its location
// when it has one, since two locations may hold resources of the same name.
func (r Resource) id() string {
	if r.Location == "" {
		return r.Kind + " " + r.Name
	}
	return r.Location + "/" + r.Kind + " " + r.Name
}

// withoutLocation drops the location from ids made by Resource.id, for a comparison with what
// an Observed lists (which names no location).
func withoutLocation(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if slash := strings.Index(id, "/"); slash >= 0 && slash < strings.Index(id, " ") {
			id = id[slash+1:]
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
