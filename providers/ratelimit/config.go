package ratelimit

import (
	"flag"
	"fmt"
)

// Config holds the rate of each class of call, per second, and its burst. A rate of 0 means
// no limit.
type Config struct {
	ReadsPerSecond  float64
	ReadBurst       int
	WritesPerSecond float64
	WriteBurst      int
	PollsPerSecond  float64
	PollBurst       int
}

// DefaultConfig stays well under the default per-project limits of Google's compute API and
// the per-account limits of AWS's Elastic Load Balancing API (both in the tens of calls per
// second), leaving room for other clients of the same project or account.
func DefaultConfig() Config {
	return Config{
		ReadsPerSecond: 20, ReadBurst: 40,
		WritesPerSecond: 10, WriteBurst: 20,
		PollsPerSecond: 20, PollBurst: 40,
	}
}

// BindFlags registers the flags of every rate on fs, with c's values as defaults. The
// controller adds them once for all its cloud providers (pflag's AddGoFlagSet).
func (c *Config) BindFlags(fs *flag.FlagSet) {
	fs.Float64Var(&c.ReadsPerSecond, "cloud-reads-per-second", c.ReadsPerSecond, "cloud API get and list calls per second, per provider; 0: no limit")
	fs.IntVar(&c.ReadBurst, "cloud-read-burst", c.ReadBurst, "cloud API get and list calls allowed at once above --cloud-reads-per-second")
	fs.Float64Var(&c.WritesPerSecond, "cloud-writes-per-second", c.WritesPerSecond, "cloud API mutating calls per second, per provider; 0: no limit")
	fs.IntVar(&c.WriteBurst, "cloud-write-burst", c.WriteBurst, "cloud API mutating calls allowed at once above --cloud-writes-per-second")
	fs.Float64Var(&c.PollsPerSecond, "cloud-operation-polls-per-second", c.PollsPerSecond, "polls of cloud operations per second, per provider; 0: no limit")
	fs.IntVar(&c.PollBurst, "cloud-operation-poll-burst", c.PollBurst, "polls of cloud operations allowed at once above --cloud-operation-polls-per-second")
}

// Validate reports a rate below 0, or a limited rate with a burst below 1 (which would let
// no call through).
func (c Config) Validate() error {
	for _, class := range Classes {
		perSecond, burst := c.rate(class)
		if perSecond < 0 {
			return fmt.Errorf("the %s rate %v is negative; use 0 for no limit", class, perSecond)
		}
		if perSecond > 0 && burst < 1 {
			return fmt.Errorf("the %s burst %d must be at least 1", class, burst)
		}
	}
	return nil
}

func (c Config) rate(class Class) (float64, int) {
	switch class {
	case Read:
		return c.ReadsPerSecond, c.ReadBurst
	case Write:
		return c.WritesPerSecond, c.WriteBurst
	}
	return c.PollsPerSecond, c.PollBurst
}
