package aws

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// shop is the Ingress of the lifecycle tests: two hosts, Prefix and Exact paths, TLS from
// a Secret.
func shop(ns string) *ingressBuilder { return shopWithCartAt(ns, "/cart") }

// shopWithCartAt is shop with the cart under another path.
func shopWithCartAt(ns, cart string) *ingressBuilder {
	return ingress(ns, "web").tls("shop-tls", "shop.example.com").
		host("shop.example.com").prefix(cart, "cart").exact("/api/status", "api").prefix("/", "front").
		host("api.example.com").prefix("/", "api")
}

// shopServices creates the Services of shop and its TLS Secret.
func shopServices(t *testing.T, ns string) {
	t.Helper()
	service(t, ns, "cart", "10.0.1.1", "10.0.1.2")
	service(t, ns, "front", "10.0.1.3")
	service(t, ns, "api", "10.0.1.4")
	tlsSecret(t, ns, "shop-tls", "shop.example.com")
}

// TestIngressLifecycleOnAWS: an Ingress of the aws class gets an Application Load Balancer
// in awstest through the real SDK, under the IAM policy: the ALB's DNS name in the Ingress
// status, every AWS resource in the LoadBalancer status and in Events, the TLS Secret
// imported into ACM and served on 443, each host and path routed by the listener rules to
// the target group of the right Service on both listeners, the nodes' security group
// opened to the load balancer's; deleting the Ingress deletes every AWS resource and the
// opening.
func TestIngressLifecycleOnAWS(t *testing.T) {
	ns := newNamespace(t)
	shopServices(t, ns)
	before := inventoryKeys()
	lb := shop(ns).apply(t)
	if lb.Spec.Provider != v1alpha1.ProviderAWS || lb.Name != lbNameOf(ns, "web") {
		t.Fatalf("LoadBalancer %s of provider %q, want %s of aws", lb.Name, lb.Spec.Provider, lbNameOf(ns, "web"))
	}
	if c := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionProgrammed); c == nil || c.Status != "True" {
		t.Fatalf("the LoadBalancer is not Programmed: %+v", lb.Status.Conditions)
	}
	alb, _, ok := srv.LoadBalancer(albOf(t, lb))
	ing := getIngress(t, ns, "web")
	addr := ing.Status.LoadBalancer.Ingress
	if !ok || len(addr) != 1 || addr[0].Hostname == "" || addr[0].Hostname != awssdk.ToString(alb.DNSName) || lb.Status.Address != addr[0].Hostname {
		t.Fatalf("Ingress address %+v, LoadBalancer address %q, the ALB's DNS name %q", addr, lb.Status.Address, awssdk.ToString(alb.DNSName))
	}
	checkStatusIsInventory(t, lb)
	for _, r := range lb.Status.Resources {
		subject := r.Kind + " " + r.Name
		if r.Kind == aws.KindListenerRule {
			// The rules of a listener are created together, and told together.
			subject = aws.KindListenerRules + " " + r.Name[:strings.Index(r.Name, "/")]
		}
		waitEvent(t, lb, "ResourceCreated", subject)
		waitEvent(t, ing, "ResourceCreated", subject)
	}
	checkCertificateServed(t, lb)
	for _, port := range []int32{80, 443} {
		checkRoutes(t, lb, port, ns)
	}
	sg := resourceOf(t, lb, aws.KindSecurityGroup).ID
	if got := nodeIngress(t); !slices.Contains(got, sg+":8080") {
		t.Errorf("the nodes' security group lets in %v; want the load balancer's group %s on 8080", got, sg)
	}

	start := callCount()
	deleteIngress(t, ns, "web", before)
	// AWS keeps the ALB's interfaces a while (awstest: dependencyDelay deletes), so the
	// security group went only after retries.
	if got := sgDeletes(start); len(got) != dependencyDelay+1 || got[len(got)-1] != "" {
		t.Errorf("DeleteSecurityGroup answered %q; want DependencyViolation %d times, then success", got, dependencyDelay)
	}
	if got := nodeIngress(t); slices.ContainsFunc(got, func(r string) bool { return strings.HasPrefix(r, sg+":") }) {
		t.Errorf("after delete the nodes' security group still lets in %v", got)
	}
}

// checkStatusIsInventory checks that the status lists every AWS resource the load balancer
// owns in awstest, each under the ID AWS gave it, and nothing else.
func checkStatusIsInventory(t *testing.T, lb *v1alpha1.LoadBalancer) {
	t.Helper()
	listed := map[string]bool{}
	kinds := map[string]int{}
	for _, r := range lb.Status.Resources {
		kinds[r.Kind]++
		listed[r.ID] = true
		if r.Kind == aws.KindSecurityGroupRule {
			continue // awstest's inventory lists no security group rules
		}
		if _, ok := awsResource(r.ID); !ok || r.ID == "" {
			t.Errorf("the status lists %s %s with ID %q, which awstest does not hold", r.Kind, r.Name, r.ID)
		}
	}
	for _, r := range srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); ok && o.LoadBalancer == lb.Name && !listed[r.ID] {
			t.Errorf("awstest holds %s %s (%s) of the load balancer, which its status does not list", r.Kind, r.Name, r.ID)
		}
	}
	if int(lb.Status.ResourceCount) != len(lb.Status.Resources) {
		t.Errorf("resource count %d, %d resources listed", lb.Status.ResourceCount, len(lb.Status.Resources))
	}
	for kind, n := range map[string]int{aws.KindSecurityGroup: 1, aws.KindTargetGroup: 3, aws.KindCertificate: 1,
		aws.KindLoadBalancer: 1, aws.KindListener: 2} {
		if kinds[kind] != n {
			t.Errorf("%d %s in the status, want %d (all: %v)", kinds[kind], kind, n, kinds)
		}
	}
	if kinds[aws.KindListenerRule] == 0 {
		t.Errorf("the status lists no listener rule: %v", kinds)
	}
}

// checkCertificateServed checks that the TLS Secret was imported into ACM, tagged with its
// owner, and that the HTTPS listener serves it.
func checkCertificateServed(t *testing.T, lb *v1alpha1.LoadBalancer) {
	t.Helper()
	cert := resourceOf(t, lb, aws.KindCertificate)
	acm, ok := awsResource(cert.ID)
	if o, owned := providers.OwnerFromTags(acm.Tags); !ok || !owned || o.LoadBalancer != lb.Name {
		t.Fatalf("ACM holds %+v (exists %v) for certificate %s, want it tagged with its load balancer", acm, ok, cert.ID)
	}
	out, err := aws.ClientsOf(srv.Config()).ELBV2.DescribeListeners(context.Background(), &elbv2.DescribeListenersInput{LoadBalancerArn: awssdk.String(albOf(t, lb))})
	if err != nil {
		t.Fatal(err)
	}
	var served []string
	for _, l := range out.Listeners {
		for _, c := range l.Certificates {
			served = append(served, strconv.Itoa(int(awssdk.ToInt32(l.Port)))+" "+awssdk.ToString(c.CertificateArn))
		}
	}
	if !slices.Equal(served, []string{"443 " + cert.ID}) {
		t.Errorf("the listeners serve %v, want the imported certificate on 443 only", served)
	}
}

// checkRoutes asks awstest where requests to a listener go over the rules the provider
// made: each reaches the target group of the Service the Ingress names for it, with
// Kubernetes' path semantics.
func checkRoutes(t *testing.T, lb *v1alpha1.LoadBalancer, port int32, ns string) {
	t.Helper()
	for _, tc := range []struct{ host, path, want string }{
		{"shop.example.com", "/cart", "cart"},
		{"shop.example.com", "/cart/items/1", "cart"},
		{"shop.example.com", "/cartoon", "front"},
		{"shop.example.com", "/api/status", "api"},
		{"shop.example.com", "/api/status/x", "front"},
		{"shop.example.com", "/", "front"},
		{"SHOP.example.com", "/cart", "cart"},
		{"api.example.com", "/cart", "api"},
		{"other.example.com", "/", "404"},
	} {
		want := tc.want
		if want != "404" {
			want = ns + "/" + want + ":80"
		}
		if got := reached(t, lb, port, tc.host, tc.path); got != want {
			t.Errorf("port %d: %s%s reaches %q, want %q", port, tc.host, tc.path, got, want)
		}
	}
}

// nodeIngress lists whom the nodes' security group lets in, "sg:port" each.
func nodeIngress(t *testing.T) []string {
	t.Helper()
	out, err := aws.ClientsOf(srv.Config()).EC2.DescribeSecurityGroups(context.Background(),
		&ec2.DescribeSecurityGroupsInput{GroupIds: []string{awstest.DefaultNodeSecurityGroup}})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, p := range out.SecurityGroups[0].IpPermissions {
		for _, pair := range p.UserIdGroupPairs {
			from, to := awssdk.ToInt32(p.FromPort), awssdk.ToInt32(p.ToPort)
			r := awssdk.ToString(pair.GroupId) + ":" + strconv.Itoa(int(from))
			if to != from {
				r += "-" + strconv.Itoa(int(to))
			}
			rules = append(rules, r)
		}
	}
	slices.Sort(rules)
	return rules
}

// sgDeletes lists the answers to DeleteSecurityGroup after the first n calls of the log:
// an error code each, "" for success.
func sgDeletes(n int) []string {
	var out []string
	for _, c := range srv.Calls()[n:] {
		if c.Action == "DeleteSecurityGroup" {
			out = append(out, c.Code)
		}
	}
	return out
}
