// Package samples embeds the sample manifests that `portico dev` applies, so that the
// command works from any directory, not only from a checkout.
package samples

import "embed"

// FS holds the sample manifests, applied in name order.
//
//go:embed *.yaml
var FS embed.FS
