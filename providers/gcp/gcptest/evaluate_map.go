package gcptest

import "cloud.google.com/go/compute/apiv1/computepb"

// Evaluate evaluates a URL map that no server holds (one read from `portico plan`'s output
// or a file) as Route evaluates a stored one, and returns the name of the backend service a
// request for host and path reaches; ok is false when it reaches no single backend service.
func Evaluate(u *computepb.UrlMap, host, path string) (backendService string, ok bool) {
	return serviceName(evaluate(u, host, path))
}
