// Command modelgen writes the trimmed copy of AWS's published API models that awstest
// embeds to check requests as AWS does. It reads the ELBv2, EC2 and ACM api-2.json files
// that ship in the github.com/aws/aws-sdk-go module (the models AWS's SDKs are generated
// from), which it asks the go command to download into the module cache, so it runs on a
// fresh machine with only the Go module proxy and without that module in go.mod. It keeps
// the operations awstest serves and the shapes their inputs reach, and of each shape only
// what validation needs: its type, members and their wire names, required members, enum,
// pattern, min and max, list members, map keys and values, flattening.
//
// Run it through `go generate ./providers/aws/awstest`.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

const (
	module  = "github.com/aws/aws-sdk-go"
	version = "v1.55.8" // the last release of SDK v1: its models are the newest it ships
)

// services are the APIs awstest emulates, by IAM service prefix, with the operations whose
// requests it checks: adding one here and regenerating is all a new call needs.
var services = []struct {
	prefix, dir string
	operations  []string
}{
	{"elasticloadbalancing", "elasticloadbalancingv2/2015-12-01", []string{
		"AddListenerCertificates", "AddTags", "CreateListener", "CreateLoadBalancer", "CreateRule",
		"CreateTargetGroup", "DeleteListener", "DeleteLoadBalancer", "DeleteRule", "DeleteTargetGroup",
		"DeregisterTargets", "DescribeListenerCertificates", "DescribeListeners", "DescribeLoadBalancerAttributes",
		"DescribeLoadBalancers", "DescribeRules", "DescribeTags", "DescribeTargetGroupAttributes",
		"DescribeTargetGroups", "DescribeTargetHealth", "ModifyListener", "ModifyLoadBalancerAttributes",
		"ModifyRule", "ModifyTargetGroup", "ModifyTargetGroupAttributes", "RegisterTargets", "RemoveListenerCertificates", "RemoveTags",
		"SetIpAddressType", "SetRulePriorities", "SetSecurityGroups", "SetSubnets",
	}},
	{"ec2", "ec2/2016-11-15", []string{
		"AuthorizeSecurityGroupIngress", "CreateSecurityGroup", "CreateTags", "DeleteSecurityGroup",
		"DeleteTags", "DescribeInstances", "DescribeNetworkInterfaces", "DescribeSecurityGroupRules", "DescribeSecurityGroups",
		"DescribeSubnets", "DescribeVpcs", "RevokeSecurityGroupIngress",
	}},
	{"acm", "acm/2015-12-08", []string{
		"AddTagsToCertificate", "DeleteCertificate", "DescribeCertificate", "ImportCertificate", "RemoveTagsFromCertificate",
		"ListCertificates", "ListTagsForCertificate",
	}},
}

// newerMembers are members that AWS added after SDK v1's last models and that the v2 SDK in
// go.mod serializes: without them a request the real SDK sends (and AWS accepts) would be
// refused as naming an unknown parameter. Each is service prefix, shape, member, member shape.
var newerMembers = []struct{ service, shape, member, memberShape string }{
	// Regular-expression host, path and header conditions (November 2025).
	{"elasticloadbalancing", "HostHeaderConditionConfig", "RegexValues", "ListOfString"},
	{"elasticloadbalancing", "PathPatternConditionConfig", "RegexValues", "ListOfString"},
	{"elasticloadbalancing", "HttpHeaderConditionConfig", "RegexValues", "ListOfString"},
}

// addNewerMembers adds newerMembers to a service's model before it is trimmed.
func addNewerMembers(prefix string, a *api) error {
	for _, n := range newerMembers {
		if n.service != prefix {
			continue
		}
		sh, ok := a.Shapes[n.shape]
		if !ok {
			return fmt.Errorf("shape %s, which gains %s, is missing from the model", n.shape, n.member)
		}
		if _, ok := a.Shapes[n.memberShape]; !ok {
			return fmt.Errorf("shape %s of the newer member %s.%s is missing from the model", n.memberShape, n.shape, n.member)
		}
		if _, ok := sh.Members[n.member]; !ok {
			sh.Members[n.member] = &ref{Shape: n.memberShape}
		}
	}
	return nil
}

// ref is a shape reference as the models spell it: a structure member, a list member, a
// map key or value.
type ref struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName,omitempty"`
	QueryName    string `json:"queryName,omitempty"`
}

// shape keeps what validation reads.
type shape struct {
	Type      string          `json:"type"`
	Required  []string        `json:"required,omitempty"`
	Members   map[string]*ref `json:"members,omitempty"`
	Member    *ref            `json:"member,omitempty"`
	Key       *ref            `json:"key,omitempty"`
	Value     *ref            `json:"value,omitempty"`
	Enum      []string        `json:"enum,omitempty"`
	Pattern   string          `json:"pattern,omitempty"`
	Min       *json.Number    `json:"min,omitempty"`
	Max       *json.Number    `json:"max,omitempty"`
	Flattened bool            `json:"flattened,omitempty"`
}

type api struct {
	Metadata struct {
		APIVersion string `json:"apiVersion"`
		Protocol   string `json:"protocol"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input *ref `json:"input"`
	} `json:"operations"`
	Shapes map[string]*shape `json:"shapes"`
}

// service is one API as awstest embeds it: each operation names its input shape.
type service struct {
	Protocol   string            `json:"protocol"`
	APIVersion string            `json:"apiVersion"`
	Operations map[string]string `json:"operations"`
	Shapes     map[string]*shape `json:"shapes"`
}

type trimmed struct {
	Source   string              `json:"source"`
	Services map[string]*service `json:"services"`
}

func main() {
	out := flag.String("o", "aws-models.json", "the file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "modelgen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	dir, err := moduleDir()
	if err != nil {
		return err
	}
	t := trimmed{Source: module + "@" + version + " models/apis", Services: map[string]*service{}}
	for _, s := range services {
		svc, err := trim(s.prefix, filepath.Join(dir, "models", "apis", s.dir, "api-2.json"), s.operations)
		if err != nil {
			return fmt.Errorf("%s: %w", s.prefix, err)
		}
		t.Services[s.prefix] = svc
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(t); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// moduleDir downloads the SDK module into the module cache, if it is not there yet, and
// returns where it is. `go mod download` with an explicit version leaves go.mod alone.
func moduleDir() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", module, version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(b, &info); err != nil {
		return "", fmt.Errorf("read go mod download's answer: %w", err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, info.Error)
	}
	return info.Dir, nil
}

// trim reads one model and keeps the operations and every shape their inputs reach.
func trim(prefix, path string, operations []string) (*service, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a api
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if err := addNewerMembers(prefix, &a); err != nil {
		return nil, err
	}
	svc := &service{Protocol: a.Metadata.Protocol, APIVersion: a.Metadata.APIVersion, Operations: map[string]string{}, Shapes: map[string]*shape{}}
	for _, name := range operations {
		op, ok := a.Operations[name]
		if !ok || op.Input == nil {
			return nil, fmt.Errorf("operation %s is not in the model, or takes no input", name)
		}
		svc.Operations[name] = op.Input.Shape
		if err := reach(a.Shapes, svc.Shapes, op.Input.Shape); err != nil {
			return nil, err
		}
	}
	return svc, nil
}

// reach copies a shape and, depth first, every shape it refers to.
func reach(all, into map[string]*shape, name string) error {
	if _, ok := into[name]; ok {
		return nil
	}
	s, ok := all[name]
	if !ok {
		return fmt.Errorf("shape %s is missing from the model", name)
	}
	into[name] = s
	var refs []string
	for _, m := range s.Members {
		refs = append(refs, m.Shape)
	}
	for _, r := range []*ref{s.Member, s.Key, s.Value} {
		if r != nil {
			refs = append(refs, r.Shape)
		}
	}
	sort.Strings(refs)
	for _, r := range refs {
		if err := reach(all, into, r); err != nil {
			return err
		}
	}
	return nil
}
