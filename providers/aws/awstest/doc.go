// Package awstest is a local emulator of the AWS APIs portico's AWS provider
// calls: Elastic Load Balancing v2 (application load balancers, target
// groups, targets, listeners, rules, listener certificates, tags), EC2
// (VPCs, subnets, security groups and their ingress rules, tags, instances,
// network interfaces) and ACM (imported certificates). One httptest server
// answers all three; Server.Config is an aws.Config whose clients reach it.
//
// The real aws-sdk-go-v2 clients cannot tell it from AWS on the wire:
//
//   - ELBv2 and EC2 are form-encoded POSTs told apart by Version
//     (2015-12-01, 2016-11-15) and routed by Action; ACM is awsJson1.1 routed
//     by X-Amz-Target "CertificateManager.<Action>";
//   - requests are decoded into the SDK's own input types and answers are
//     written by the SDK's own output types' Serialize methods, both guided by
//     the SDK's schemas, so that names, list shapes (ELBv2 member.N and
//     <member>, EC2 Name.N and <item>, EC2's lowerCamel element names) and
//     timestamps are those the SDK reads;
//   - errors are ELBv2 <ErrorResponse>, EC2 <Response><Errors>, ACM JSON
//     {"__type", "message"}, with the codes and HTTP statuses of the
//     services' published models (ELBv2 *NotFound is 400 as the model says);
//   - the EC2 client the pinned SDK ships has no schemas, so EC2 is mapped
//     by reflection with the wire names `go generate` reads from that
//     client's own serializers (ec2_wirenames.go);
//   - describes and lists page with ELBv2 Marker/NextMarker and PageSize
//     (at most 400; DescribeTags takes at most 20 ARNs), EC2
//     NextToken/MaxResults and ACM NextToken/MaxItems; Options.PageSize caps
//     every page.
//
// Answers are as AWS gives them: a single-group forward carries both
// TargetGroupArn and ForwardConfig, host and path conditions both Values and
// their Config, redirects their #{...} defaults, the default rule Priority
// "default"; ListCertificates leaves EC and large RSA keys out unless asked.
//
// It enforces the rules AWS enforces for these calls: names, ARNs in AWS's
// form, idempotent creates (the same settings return what exists; other
// settings answer Duplicate*), an ALB's subnets in two zones of one VPC,
// security groups of that VPC, a target group's VPC and association with one
// load balancer, ip targets inside the VPC (or outside it in a private
// range with Availability Zone "all") or known instances, HTTPS listeners'
// certificates and SSL policies, rule conditions (host values with a dot
// and a lettered last label, RegexValues that compile, one of each single
// field, at most Limits.ConditionValuesPerRule values), rule priorities
// unique per listener (SetRulePriorities all or nothing), ResourceInUse and
// DependencyViolation while something uses a resource (for
// Options.DependencyDelay deletes after a load balancer goes, as its
// network interfaces linger), and the quotas in Limits. New load balancers
// are provisioning for Options.ProvisioningReads describes; targets are
// initial for Options.HealthyAfterReads, unused while no listener uses their
// group, draining for their deregistration delay on Options.Clock; a test
// sets a target's health with SetTargetHealth. An EC2 call with DryRun asks
// IAM about what the call would act on and answers DryRunOperation.
//
// For tests it injects faults (throttling, 500s, answers lost after a write
// was applied, latency), hides a new resource from Options.VisibilityDelay
// describes as AWS's eventual consistency does, asks Options.Authorize
// about every call with the resources and tags IAM would see, keeps a call
// log with read and write counts, and lists its inventory.
//
// It deliberately stops short of: network and gateway load balancers;
// target types lambda and alb; authenticate-oidc and authenticate-cognito
// actions; trust stores (mTLS) and listener attributes; DescribeSSLPolicies
// and DescribeAccountLimits; egress rule changes (every group allows all
// egress); ACM certificate requests and renewals (certificates are
// imported); IPv6 subnets; and real health checks (target health is a state
// machine a test drives).
package awstest
