package e2e

import (
	"context"

	"github.com/portico-dev/portico/testenv"
)

func testenvWait(ctx context.Context, what string, ok func() bool) error {
	return testenv.WaitFor(ctx, what, func(context.Context) (bool, error) { return ok(), nil })
}
