package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers"
	awsprovider "github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/catalog"
)

// awsPlanCloud is an awstest account, reached through the real SDK by the controller and
// the plan, as `portico plan --provider aws` emulates it offline.
func awsPlanCloud(t *testing.T) planCloud {
	emu := newAWSEmulator(awsprovider.Defaults{})
	t.Cleanup(emu.close)
	return planCloud{
		controller: func(clusterID string) providers.Provider {
			return emu.provider(clusterID, -1)
		},
		// The plan builds the live provider with the --aws-* flags, as the controller does.
		flags: []string{"--aws-region", emulatedRegion, "--aws-vpc", emulatedVPC},
		accepts: func(s catalog.Settings) error {
			if s.AWS.Region != emulatedRegion || s.AWS.VPC != emulatedVPC {
				return fmt.Errorf("the plan built the aws provider with %+v, not the --aws-* flags", s.AWS)
			}
			return nil
		},
		// The HTTP listener goes, and AWS deletes its rules with it: the load balancer of
		// planIngress has no other listener, so every rule is that listener's.
		deleteFrontend: func(t *testing.T) []string {
			ctx := context.Background()
			srv := emu.server(emulatedRegion)
			var listener, listenerName string
			rules := map[string]bool{}
			for _, r := range srv.Inventory() {
				switch r.Kind {
				case "Listener":
					listener, listenerName = r.ID, r.Tags[awsprovider.TagResource]
				case "Rule":
					// A rule's tag is its ListenerRules resource's name, then "/" and its own hash.
					if name, _, _ := strings.Cut(r.Tags[awsprovider.TagResource], "/"); name != "" {
						rules[name] = true
					}
				}
			}
			if listener == "" || len(rules) != 1 {
				t.Fatalf("want one listener and its rules in awstest: %+v", srv.Inventory())
			}
			clients, _ := emu.clients(ctx, emulatedRegion)
			if _, err := clients.ELBV2.DeleteListener(ctx, &elbv2.DeleteListenerInput{ListenerArn: aws.String(listener)}); err != nil {
				t.Fatal(err)
			}
			for name := range rules {
				return []string{awsprovider.KindListener + " " + listenerName, awsprovider.KindListenerRules + " " + name}
			}
			return nil
		},
	}
}
