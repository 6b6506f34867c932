package nginxfallback

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/portico-dev/portico/providers/retry"
)

// process is one nginx master in the foreground, in a process group of its own.
type process struct {
	cmd *exec.Cmd
	// exited is closed once the master has exited and its group was reaped; err says how.
	exited chan struct{}
	err    error
	// serving is when the supervisor saw it serve, on its clock.
	serving time.Time
}

// startProcess starts nginx on the configuration in dir. Its early log goes to the same
// error log as the configuration's (-e), so a start that fails leaves nginx's reason there.
// stdout and stderr are /dev/null: a pipe would keep Wait waiting for orphaned workers.
func startProcess(bin, dir string) (*process, error) {
	cmd := exec.Command(bin, "-p", dir+"/", "-c", ConfigFile, "-e", ErrorLog, "-g", "daemon off;")
	// Its own group, so that the workers can be signalled with the master and never outlive
	// it; and if the controller dies, the kernel stops nginx (fast shutdown) with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nginx: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go p.wait()
	return p, nil
}

// wait reaps the master, then kills what is left of its group and waits until it is gone:
// a master killed with SIGKILL leaves its workers serving the old configuration on the
// ports its successor needs. The workers are not our children, so /proc tells when they
// are gone; the wait is bounded in case /proc says nothing useful.
func (p *process) wait() {
	p.err = p.cmd.Wait()
	pgid := p.cmd.Process.Pid
	if syscall.Kill(-pgid, syscall.SIGKILL) == nil {
		for deadline := time.Now().Add(10 * time.Second); groupAlive(pgid) && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	close(p.exited)
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) signal(sig syscall.Signal) error {
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal nginx (%v): %w", sig, err)
	}
	return nil
}

func (p *process) signalGroup(sig syscall.Signal) {
	_ = syscall.Kill(-p.pid(), sig)
}

// stop quits nginx gracefully: SIGQUIT lets the workers finish their in-flight requests.
// After graceful, SIGTERM to the group (fast shutdown); after hard more, SIGKILL.
func (p *process) stop(clock retry.Clock, graceful, hard time.Duration) {
	if p.signal(syscall.SIGQUIT) != nil {
		p.signalGroup(syscall.SIGKILL)
	}
	select {
	case <-p.exited:
		return
	case <-clock.After(graceful):
	}
	p.signalGroup(syscall.SIGTERM)
	select {
	case <-p.exited:
		return
	case <-clock.After(hard):
	}
	p.signalGroup(syscall.SIGKILL)
	<-p.exited
}

// errorLog reads nginx's error log in dir from an offset on, to find why a start or reload
// failed in nginx's own words.
type errorLog struct {
	path string
}

func newErrorLog(dir string) errorLog { return errorLog{path: filepath.Join(dir, ErrorLog)} }

// size is the current end of the log: the offset of what nginx writes next.
func (l errorLog) size() int64 {
	st, err := os.Stat(l.path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// maxLogRead bounds what one check reads, however much nginx logged.
const maxLogRead = 64 << 10

// emergSince returns the [emerg] lines nginx logged after offset, cleaned as Validate
// cleans its output; "" when there are none. An [emerg] during a start or a reload means
// nginx did not load the configuration and (on reload) kept the previous one.
func (l errorLog) emergSince(offset int64, dir string) string {
	f, err := os.Open(l.path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, offset, maxLogRead), maxLogRead))
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	var lines []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		// nginx retries a bind five times and says so each time; once is enough.
		line = logPrefix.ReplaceAllString(line, "$1 ")
		if strings.Contains(line, "[emerg]") && !seen[line] {
			seen[line] = true
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return cleanOutput(strings.Join(lines, "\n"), dir)
}
