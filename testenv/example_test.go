package testenv_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/portico-dev/portico/testenv"
)

// A platform team's test: apply the Ingress the team ships, wait until portico programmed
// its load balancer, and check what the cloud would get for it.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, err := testenv.Start(ctx, testenv.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Stop()

	err = env.ApplyYAML(ctx, `
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: shop-1, namespace: default, labels: {kubernetes.io/service-name: shop}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints: [{addresses: [10.0.0.7]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: default}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: shop, port: {number: 80}}}
`)
	if err != nil {
		log.Fatal(err)
	}
	lb, err := env.WaitProgrammed(ctx, "default", "shop")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("LoadBalancer:", lb.Name)
	for _, r := range env.Inventory(lb.Name) {
		fmt.Println(r.Kind)
	}
	// Output:
	// LoadBalancer: default-shop-6483771792
	// Address
	// BackendService
	// ForwardingRule
	// HealthCheck
	// NetworkEndpointGroup
	// TargetHTTPProxy
	// URLMap
}
