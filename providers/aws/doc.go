// Package aws realises LoadBalancers as AWS Application Load Balancers, through
// aws-sdk-go-v2 (elasticloadbalancingv2, ec2, acm) behind narrow interfaces of the calls it
// makes.
//
// One LoadBalancer is, in dependency order: a security group of its own (ingress on its
// listener ports), a target group per backend (with its targets registered), the TLS
// Secrets it serves imported into ACM, the ALB, an HTTP listener on 80 and an HTTPS one on
// 443, and the rules of each listener (from albrules, renumbered with one
// SetRulePriorities call). The cluster's load balancers share, per VPC, a backend security
// group that every ALB carries and that each nodes' security group lets in (sgrules.go).
//
// Every resource is named deterministically (providers.Namer, within AWS's 32 characters)
// and tagged at create time with its owner, so that a restart, a lost status or a crash
// half-way never leaks or duplicates one. The shared plan engine (providers/plan) diffs the
// graph against reads batched per resource type across load balancers (providers/snapshot)
// and applies creates, in-place updates, replacements (create before delete, as what AWS
// fixes at creation is part of a name) and deletes in reverse order. What AWS reads only per
// load balancer, listener or target group is cached, kept current by the provider's own
// writes, and trusted across a restart through the fingerprints of the LoadBalancer's status
// (trust.go).
package aws
