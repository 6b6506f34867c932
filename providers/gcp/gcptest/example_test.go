package gcptest_test

import (
	"context"
	"fmt"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// A test starts a server, talks to it through the real SDK, and asks it
// where a request would go.
func Example() {
	srv := gcptest.New(gcptest.Options{Project: "demo"})
	defer srv.Close()
	ctx := context.Background()
	c, err := srv.Clients(ctx)
	if err != nil {
		panic(err)
	}
	defer c.Close()

	op, err := c.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: "demo",
		BackendServiceResource: &computepb.BackendService{Name: proto.String("web"), LoadBalancingScheme: proto.String("EXTERNAL_MANAGED")}})
	if err == nil {
		err = op.Wait(ctx)
	}
	if err != nil {
		panic(err)
	}
	op, err = c.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{Project: "demo",
		UrlMapResource: &computepb.UrlMap{Name: proto.String("lb"), DefaultService: proto.String("global/backendServices/web")}})
	if err == nil {
		err = op.Wait(ctx)
	}
	if err != nil {
		panic(err)
	}
	um, _ := c.URLMaps.Get(ctx, &computepb.GetUrlMapRequest{Project: "demo", UrlMap: "lb"})
	fmt.Println(um.GetDefaultService())
	fmt.Println(srv.Route("lb", "shop.example.com", "/cart"))
	fmt.Println(srv.Inventory())
	// Output:
	// https://www.googleapis.com/compute/v1/projects/demo/global/backendServices/web
	// web true
	// [projects/demo/global/backendServices/web projects/demo/global/urlMaps/lb]
}
