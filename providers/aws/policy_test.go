package aws_test

import (
	"context"
	"flag"
	"slices"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// checkPolicyUsed fails when the policy allows an action that no call of the suite needed:
// such an action is privilege the provider does not use. It checks only after a run of the
// whole suite; a run of a few checks (go test -run) uses a part of the policy.
func checkPolicyUsed(t *testing.T, policy *awstest.Policy) {
	if t.Failed() || testing.Short() || !fullRun() {
		return
	}
	used := policy.Used()
	var unused []string
	for _, a := range aws.PolicyActions() {
		if !slices.ContainsFunc(used, func(u string) bool { return equalFoldAction(u, a) }) {
			unused = append(unused, a)
		}
	}
	if len(unused) > 0 {
		t.Errorf("the IAM policy allows actions the provider never used in the contract suite: %v", unused)
	}
}

func equalFoldAction(a, b string) bool { return len(a) == len(b) && (a == b || lower(a) == lower(b)) }

func lower(s string) string {
	out := []byte(s)
	for i, c := range out {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return string(out)
}

// fullRun reports whether TestContract runs whole: no -run pattern narrows it below it.
func fullRun() bool {
	f := ""
	if fl := flag.Lookup("test.run"); fl != nil {
		f = fl.Value.String()
	}
	return f == "" || f == "TestContract" || f == "^TestContract$"
}

// discoveryUnderPolicy discovers a user's certificate in ACM under the policy, as a
// controller with it does: the calls only discovery makes (reading the tags of a
// certificate portico did not import) are in the policy.
func discoveryUnderPolicy(t *testing.T, policy *awstest.Policy) {
	cloud := newTestCloud(t, awstest.Options{})
	user := importByUser(t, cloud, "shop.example.com") // before the policy: the user is not portico
	cloud.srv.SetAuthorize(policy.Authorize)
	p := cloud.provider(testCluster)
	converge(t, p, discovering("shop.example.com").d)
	if got := httpsCertificates(t, cloud, "shop-web"); !slices.Equal(got, []string{user}) {
		t.Errorf("under the policy the listener serves %v, want the user's certificate %s", got, user)
	}
	if err := p.Delete(context.Background(), providers.Ref{Name: "shop-web", Location: "us-west-2"}); err != nil {
		t.Errorf("delete under the policy: %v", err)
	}
}

// updatesUnderPolicy changes a load balancer in place under the policy, in every way the
// provider changes one without replacing it: certificates added and removed, a health
// check, the address type, the subnets, and the security groups (a restarted controller
// told the nodes' group lets the load balancer in through the cluster's backend group).
func updatesUnderPolicy(t *testing.T, policy *awstest.Policy) {
	cloud := newTestCloud(t, awstest.Options{Authorize: policy.Authorize})
	p := cloud.provider(testCluster)
	d := shop().https(certificate(t, "shop.example.com"))
	converge(t, p, d.d)
	d.d.Spec.TLS = append(d.d.Spec.TLS, v1alpha1.TLSCertificate{SecretRef: &v1alpha1.ObjectRef{Namespace: "shop", Name: "api-tls"}})
	d.d.Certificates["shop/api-tls"] = certificate(t, "api.example.com")
	converge(t, p, d.d)             // AddListenerCertificates
	d.d.Spec.TLS = d.d.Spec.TLS[:1] // the default certificate stays; the other goes
	converge(t, p, d.d)             // RemoveListenerCertificates
	d.d.Spec.Backends[0].HealthCheck = &v1alpha1.HealthCheck{Path: "/healthz"}
	converge(t, p, d.d) // ModifyTargetGroup
	d.d.Spec.IPAddressType = v1alpha1.IPAddressTypeDualstack
	converge(t, p, d.d) // SetIpAddressType
	for _, s := range awstest.DefaultPublicSubnets[:2] {
		d.d.Spec.Subnets = append(d.d.Spec.Subnets, v1alpha1.SubnetID(s))
	}
	converge(t, p, d.d) // SetSubnets
	clients := cloud.clients
	restarted := aws.New(aws.Options{ClusterID: testCluster, Region: "us-west-2", VPC: awstest.DefaultVPC, SnapshotTTL: -1,
		ELBV2: clients.ELBV2, EC2: clients.EC2, ACM: clients.ACM, NodeSecurityGroups: []string{awstest.DefaultNodeSecurityGroup}})
	converge(t, restarted, d.d) // SetSecurityGroups
	for _, action := range []string{"AddListenerCertificates", "RemoveListenerCertificates", "ModifyTargetGroup", "SetIpAddressType", "SetSubnets", "SetSecurityGroups"} {
		if !slices.ContainsFunc(policy.Used(), func(u string) bool { return u == "elasticloadbalancing:"+action }) {
			t.Errorf("the updates never called %s", action)
		}
	}
}
