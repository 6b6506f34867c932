// Package aws realises LoadBalancers as AWS Application Load Balancers, through
// aws-sdk-go-v2 (elasticloadbalancingv2, ec2, acm) behind narrow interfaces of the calls it
// makes.
//
// One LoadBalancer is, in dependency order: a security group of its own (ingress on its
// listener ports), the rule that lets it reach the nodes' security group, a target group
// per backend (with its targets registered), imported ACM certificates, the ALB, an HTTP
// listener on 80 and an HTTPS one on 443, and the rules of each listener. Every resource
// is named deterministically (providers.Namer) and tagged at create time with its owner,
// so that a restart, a lost status or a crash half-way never leaks or duplicates one. The
// shared plan engine (providers/plan) diffs the graph against reads batched per resource
// type across load balancers (providers/snapshot) and applies creates, in-place updates,
// replacements and deletes in order.
package aws
