package aws_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// ownedID returns the emulator's ID (ARN or sg- id) of the load balancer's only resource of
// the kind.
func ownedID(t *testing.T, cloud *testCloud, lb, kind string) string {
	t.Helper()
	var ids []string
	for _, r := range cloud.srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); ok && o.LoadBalancer == lb && r.Kind == kind {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%s owns %d resources of kind %s: %v", lb, len(ids), kind, ids)
	}
	return ids[0]
}

// ingressRanges lists "port cidr" of every ingress range of a security group.
func ingressRanges(t *testing.T, cloud *testCloud, id string) []string {
	t.Helper()
	sg, ok := cloud.srv.SecurityGroup(id)
	if !ok {
		t.Fatalf("no security group %s", id)
	}
	var out []string
	for _, p := range sg.IpPermissions {
		port := awssdk.ToInt32(p.FromPort)
		for _, r := range p.IpRanges {
			out = append(out, strconv.Itoa(int(port))+" "+awssdk.ToString(r.CidrIp))
		}
		for _, r := range p.Ipv6Ranges {
			out = append(out, strconv.Itoa(int(port))+" "+awssdk.ToString(r.CidrIpv6))
		}
	}
	slices.Sort(out)
	return out
}

// The portico.dev/inbound-cidrs annotation becomes the ingress of the load balancer's
// security group; changing it only authorizes and revokes ranges, and a resync writes nothing.
func TestInboundCIDRsAreTheLoadBalancersSecurityGroupIngress(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := shop()
	ensure(t, p, d.d)
	sg := ownedID(t, cloud, "shop-web", "SecurityGroup")
	if got := ingressRanges(t, cloud, sg); !slices.Equal(got, []string{"80 0.0.0.0/0"}) {
		t.Errorf("without inbound CIDRs the group admits %v, want port 80 from everywhere", got)
	}

	d.d.Spec.Frontends.InboundCIDRs = []v1alpha1.CIDR{"10.0.0.0/8", "192.168.0.0/16"}
	w := writesSince(cloud, func() { converge(t, p, d.d) })
	if extra := only(w, "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"); len(extra) > 0 || len(w) == 0 {
		t.Errorf("changing the inbound CIDRs made %v; want only ingress authorizations and revocations", w)
	}
	if got := ingressRanges(t, cloud, sg); !slices.Equal(got, []string{"80 10.0.0.0/8", "80 192.168.0.0/16"}) {
		t.Errorf("the group admits %v, want port 80 from 10.0.0.0/8 and 192.168.0.0/16 only", got)
	}
	if w := writesSince(cloud, func() { ensure(t, p, d.d) }); len(w) > 0 {
		t.Errorf("a resync wrote %v", w)
	}
}

// dualstack makes the ALB answer on IPv6 too and admits IPv6 clients; an IPv6 range of
// the annotation is an IPv6 range of the group.
func TestDualstackAdmitsIPv6Clients(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := shop()
	d.d.Spec.IPAddressType = v1alpha1.IPAddressTypeDualstack
	converge(t, p, d.d)
	lb, _, ok := cloud.srv.LoadBalancer(ownedID(t, cloud, "shop-web", "LoadBalancer"))
	if !ok || lb.IpAddressType != elbtypes.IpAddressTypeDualstack {
		t.Errorf("the ALB's address type is %q, want dualstack", lb.IpAddressType)
	}
	sg := ownedID(t, cloud, "shop-web", "SecurityGroup")
	if got := ingressRanges(t, cloud, sg); !slices.Equal(got, []string{"80 0.0.0.0/0", "80 ::/0"}) {
		t.Errorf("a dualstack load balancer's group admits %v, want every IPv4 and IPv6 address", got)
	}
	d.d.Spec.Frontends.InboundCIDRs = []v1alpha1.CIDR{"2001:db8::/32"}
	converge(t, p, d.d)
	if got := ingressRanges(t, cloud, sg); !slices.Equal(got, []string{"80 2001:db8::/32"}) {
		t.Errorf("the group admits %v, want 2001:db8::/32 only", got)
	}
}

// The subnets annotation places the ALB in the subnets it names, before the class's and
// before discovery.
func TestSpecSubnetsPlaceTheLoadBalancer(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := shop()
	want := awstest.DefaultPrivateSubnets[:2]
	for _, s := range want {
		d.d.Spec.Subnets = append(d.d.Spec.Subnets, v1alpha1.SubnetID(s))
	}
	converge(t, p, d.d)
	lb, _, _ := cloud.srv.LoadBalancer(ownedID(t, cloud, "shop-web", "LoadBalancer"))
	var got []string
	for _, z := range lb.AvailabilityZones {
		got = append(got, awssdk.ToString(z.SubnetId))
	}
	slices.Sort(got)
	if !slices.Equal(got, sortedCopy(want)) {
		t.Errorf("the ALB is in subnets %v, want %v", got, want)
	}
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// The ssl-policy annotation names the HTTPS listener's policy, over min-tls-version.
func TestSSLPolicyNamesTheHTTPSListenersPolicy(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := shop().https(certificate(t, "shop.example.com"))
	d.d.Spec.Frontends.MinTLSVersion = "1.3"
	d.d.Spec.Frontends.SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
	converge(t, p, d.d)
	for _, r := range cloud.srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); !ok || o.LoadBalancer != "shop-web" || r.Kind != "Listener" {
			continue
		}
		l, _, _ := cloud.srv.Listener(r.ID)
		if l.Protocol == elbtypes.ProtocolEnumHttps && awssdk.ToString(l.SslPolicy) != "ELBSecurityPolicy-TLS13-1-2-Res-2021-06" {
			t.Errorf("the HTTPS listener's policy is %q, want the one ssl-policy names", awssdk.ToString(l.SslPolicy))
		}
	}
}

// While AWS provisions the ALB the provider says so, and stops saying it once it is active.
func TestAProvisioningLoadBalancerIsPending(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{ProvisioningReads: 10})
	p := cloud.provider(testCluster)
	obs := ensure(t, p, shop().d)
	if !strings.Contains(obs.Pending, "provisioning") {
		t.Fatalf("a new ALB gives Pending %q, want that AWS is provisioning it", obs.Pending)
	}
	for range 20 {
		if obs = ensure(t, p, shop().d); obs.Pending == "" {
			break
		}
	}
	if obs.Pending != "" {
		t.Errorf("an active ALB still gives Pending %q", obs.Pending)
	}
}
