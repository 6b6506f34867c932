package nginxfallback

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"

	"github.com/portico-dev/portico/providers/retry"
)

// Options configure a Supervisor; the controller's flags fill them.
type Options struct {
	// Nginx is the nginx binary.
	Nginx string
	// Dir is nginx's prefix: the configuration, certificates, pid file, temp directories
	// and error log all live in it.
	Dir string
	// Settings are the listen address, ports and workers of every configuration; the
	// Settings of an Input given to Apply are replaced by these. StatusPort is required.
	Settings Settings
	// Clock paces restarts and the stop deadline; nil is the wall clock.
	Clock retry.Clock
	// Restart is the wait before each restart of an nginx that died: Delay(n) before the
	// n+1-th restart in a row. Zero is 100 ms doubling up to 30 s. Its own Clock is unused:
	// Clock above waits.
	Restart retry.Backoff
	// ResetAfter is how long nginx must have run for the next death to count as the first
	// again; 0 is one minute.
	ResetAfter time.Duration
	// StopTimeout is how long a graceful stop lets in-flight requests finish before nginx
	// gets SIGTERM; 0 is 25 s (inside Kubernetes' default 30 s grace period).
	StopTimeout time.Duration
	// KillTimeout is how long after SIGTERM nginx gets SIGKILL; 0 is 5 s.
	KillTimeout time.Duration
	// LoadTimeout bounds the wait for nginx to serve a configuration after a reload or a
	// start; 0 is 30 s. It is wall-clock time on purpose: it waits on another process, never
	// on a schedule of portico's own, and no test advances it.
	LoadTimeout time.Duration
	// Metrics records reloads and restarts; nil records nothing.
	Metrics *Metrics
	Log     logr.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.Nginx == "" || o.Dir == "" {
		return o, errors.New("the nginx binary and its prefix directory are required")
	}
	if o.Settings.StatusPort == 0 {
		return o, errors.New("the status port is required: it tells which configuration nginx serves")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return o, fmt.Errorf("resolve the nginx prefix: %w", err)
	}
	o.Dir = dir
	if o.Clock == nil {
		o.Clock = retry.RealClock
	}
	if o.Restart == (retry.Backoff{}) {
		o.Restart = retry.Backoff{Initial: 100 * time.Millisecond, Factor: 2, Max: 30 * time.Second}
	}
	o.ResetAfter = orDefault(o.ResetAfter, time.Minute)
	o.StopTimeout = orDefault(o.StopTimeout, 25*time.Second)
	o.KillTimeout = orDefault(o.KillTimeout, 5*time.Second)
	o.LoadTimeout = orDefault(o.LoadTimeout, 30*time.Second)
	return o, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Supervisor runs one nginx in the foreground and loads configurations into it. Run keeps
// nginx running: it starts nginx once the first configuration is in place, restarts it with
// backoff when it dies, and stops it gracefully when its context ends. Apply validates and
// installs a configuration, reloads nginx, and returns once nginx serves it, or nginx's own
// reason why not, while the previous configuration keeps serving.
type Supervisor struct {
	opts   Options
	writer *Writer
	log    errorLog
	probe  prober

	configured     chan struct{}
	configuredOnce sync.Once

	// applyMu makes Apply one at a time, so that each waits for its own generation.
	applyMu sync.Mutex
	// mu guards proc, and is held while nginx starts, so that Apply never sends SIGHUP to
	// an nginx that has not installed its signal handlers yet (SIGHUP would kill it).
	mu   sync.Mutex
	proc *process
}

// NewSupervisor checks o and returns a Supervisor; nothing runs until Run.
func NewSupervisor(o Options) (*Supervisor, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkSettings(o.Settings); err != nil {
		return nil, err
	}
	return &Supervisor{
		opts:       o,
		writer:     &Writer{Nginx: o.Nginx, Dir: o.Dir},
		log:        newErrorLog(o.Dir),
		probe:      newProber(o.Settings.StatusPort),
		configured: make(chan struct{}),
	}, nil
}

// Run supervises nginx until ctx ends, then stops it gracefully and returns. nginx starts
// only after the first Apply installed a configuration, so it never serves one left in Dir
// by an earlier process.
func (s *Supervisor) Run(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-s.configured:
	}
	deaths := 0
	for {
		stopped, servedFor := s.startAndServe(ctx)
		if stopped {
			return nil
		}
		if servedFor >= s.opts.ResetAfter {
			deaths = 0
		}
		delay := s.opts.Restart.Delay(deaths)
		deaths++
		s.opts.Log.Info("Waiting to restart nginx", "delay", delay)
		select {
		case <-ctx.Done():
			return nil
		case <-s.opts.Clock.After(delay):
		}
		s.opts.Metrics.restarted()
	}
}

// startAndServe starts nginx and serves until nginx dies or ctx ends; stopped reports the
// latter (nginx was then stopped), servedFor how long nginx served before it died.
func (s *Supervisor) startAndServe(ctx context.Context) (stopped bool, servedFor time.Duration) {
	p, err := s.start(ctx)
	if err != nil {
		// A start cut short by the shutdown stopped nginx itself.
		if ctx.Err() == nil {
			s.opts.Log.Error(err, "Failed to start nginx")
		}
		return ctx.Err() != nil, 0
	}
	if s.serve(ctx, p) {
		return true, 0
	}
	return false, s.opts.Clock.Now().Sub(p.serving)
}

// serve waits for nginx to exit or ctx to end; it reports whether Run should return.
func (s *Supervisor) serve(ctx context.Context, p *process) bool {
	select {
	case <-ctx.Done():
		s.opts.Log.Info("Stopping nginx gracefully", "pid", p.pid())
		p.stop(s.opts.Clock, s.opts.StopTimeout, s.opts.KillTimeout)
		s.setProc(nil)
		s.opts.Log.Info("Stopped nginx")
		return true
	case <-p.exited:
		s.setProc(nil)
		s.opts.Log.Error(p.err, "Nginx exited", "pid", p.pid())
		return false
	}
}

// running reports whether nginx runs and has served its configuration.
func (s *Supervisor) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil
}

func (s *Supervisor) setProc(p *process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.proc = p
}

// start starts nginx on the installed configuration and waits until it serves it.
func (s *Supervisor) start(ctx context.Context) (*process, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	config, err := os.ReadFile(filepath.Join(s.opts.Dir, ConfigFile))
	if err != nil {
		return nil, fmt.Errorf("read the installed configuration: %w", err)
	}
	offset := s.log.size()
	p, err := startProcess(s.opts.Nginx, s.opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := s.await(ctx, p, generationOf(config), offset); err != nil {
		if ctx.Err() != nil { // shutting down: the workers may already serve
			p.stop(s.opts.Clock, s.opts.StopTimeout, s.opts.KillTimeout)
			return nil, ctx.Err()
		}
		p.signalGroup(syscall.SIGKILL)
		<-p.exited
		return nil, err
	}
	s.opts.Log.Info("Started nginx", "pid", p.pid(), "generation", generationOf(config))
	p.serving = s.opts.Clock.Now()
	s.proc = p
	return p, nil
}

// Apply renders in with the Supervisor's Settings, validates it with `nginx -t`, installs
// it and reloads nginx, then waits until nginx serves it. A configuration nginx refuses is a
// *RejectedError with nginx's message (IsRejected), and the previous one keeps serving. An
// input that renders what already serves changes nothing and reloads nothing.
func (s *Supervisor) Apply(ctx context.Context, in Input) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	began := s.opts.Clock.Now()
	in.Settings = s.opts.Settings
	config, _, err := s.writer.applyConfig(ctx, in)
	if err != nil {
		s.opts.Metrics.reloaded(resultOf(err), 0)
		return err
	}
	// The offset comes first: the first Apply lets Run start nginx, and a start that fails
	// must leave its reason after the offset.
	offset := s.log.size()
	s.configuredOnce.Do(func() { close(s.configured) })
	generation := generationOf(config)
	if s.probe.generation(ctx) == generation {
		return nil
	}
	p, old, err := s.reload()
	if err == nil {
		err = s.await(ctx, p, generation, offset)
	}
	if err == nil {
		err = s.awaitRetired(ctx, old)
	}
	s.opts.Metrics.reloaded(resultOf(err), s.opts.Clock.Now().Sub(began))
	if err != nil {
		return fmt.Errorf("load nginx configuration %s: %w", generation, err)
	}
	s.opts.Log.Info("Reloaded nginx", "generation", generation)
	return nil
}

// reload sends SIGHUP to the running nginx and returns it with the workers it had; with
// none running it returns nil, and Run's next start loads the installed configuration.
func (s *Supervisor) reload() (*process, []int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return nil, nil, nil
	}
	old := workersOf(s.proc.pid())
	return s.proc, old, s.proc.signal(syscall.SIGHUP)
}

// awaitRetired waits until none of the old workers accepts connections any more, so that
// every connection after Apply returns reaches the new configuration. They keep finishing
// the requests they had.
func (s *Supervisor) awaitRetired(ctx context.Context, old []int) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.LoadTimeout)
	defer cancel()
	set := s.opts.Settings
	ports := []int{set.HTTPPort, set.HTTPSPort, set.StatusPort}
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for anyAccepting(old, ports) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the old nginx workers still accept connections after %s: %w", s.opts.LoadTimeout, ctx.Err())
		case <-poll.C:
		}
	}
	return nil
}

// await waits until nginx serves generation. It fails early with nginx's message when
// nginx logged an [emerg] after offset (it refused the configuration and, on a reload, kept
// the previous one), or when p exited. With p nil (nginx is down) it waits for Run to
// start nginx.
func (s *Supervisor) await(ctx context.Context, p *process, generation string, offset int64) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.LoadTimeout)
	defer cancel()
	var exited <-chan struct{}
	if p != nil {
		exited = p.exited
	}
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for {
		if s.probe.generation(ctx) == generation {
			return nil
		}
		if msg := s.log.emergSince(offset, s.opts.Dir); msg != "" {
			return &RejectedError{Output: msg}
		}
		select {
		case <-exited:
			return fmt.Errorf("nginx exited before serving the configuration: %w", errors.Join(p.err, s.lastWords(offset)))
		case <-ctx.Done():
			return fmt.Errorf("nginx did not serve the configuration within %s: %w", s.opts.LoadTimeout, ctx.Err())
		case <-poll.C:
		}
	}
}

// lastWords is nginx's [emerg] since offset as an error, or nil.
func (s *Supervisor) lastWords(offset int64) error {
	if msg := s.log.emergSince(offset, s.opts.Dir); msg != "" {
		return &RejectedError{Output: msg}
	}
	return nil
}
