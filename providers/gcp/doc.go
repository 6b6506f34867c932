// Package gcp realises load balancers as Google Cloud global external Application Load
// Balancers (loadBalancingScheme EXTERNAL_MANAGED) through the official compute SDK.
//
// The translation is pure: a providers.Desired becomes a plan.Graph of computepb resources
// (a global address, health checks, zonal GCE_VM_IP_PORT network endpoint groups or the
// cluster's instance groups, backend services, a URL map, SSL certificates, target proxies
// and forwarding rules), each named by providers.Namer and owned through providers.Owner in
// its description. Each resource's
// Fields hold the canonical JSON of the fields portico owns, so that what Google reports
// compares equal to what portico wants, and a second pass plans nothing.
//
// The URL map keeps Kubernetes' meaning on Google's matcher (see urlmap.go and wildcard.go).
//
// Backends of target type instance reach the nodes on their NodePort through the cluster's
// unmanaged instance group of each zone, and a firewall rule per network lets Google's
// health checkers and proxies reach every port the targets use. Both are shared by the
// cluster's load balancers and owned by the cluster (providers.ClusterDescription); each pass
// plans them with its load balancer from what the shared snapshot says the cluster uses, and
// the last user's Delete deletes them (see shared.go, usage.go, instancegroups.go and
// firewall.go).
package gcp
