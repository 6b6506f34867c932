package nginxmode_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/test/echo"
)

// echoProcessEnv makes the test binary an echo server instead of running tests, so that a
// benchmark's backend runs in a process of its own, as a pod does: in the benchmark's
// process it would share the Go scheduler with the load generator, and going direct
// would pay a cost that going through nginx does not.
const echoProcessEnv = "PORTICO_ECHO_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(echoProcessEnv) != "" {
		serveEcho()
		return
	}
	os.Exit(m.Run())
}

// serveEcho serves until stdin closes, after printing its port.
func serveEcho() {
	s, err := echo.Start(echo.Identity{Namespace: "bench", Service: "web", Pod: "web-0"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(s.Port)
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	_ = s.Close()
}

// echoProcess starts an echo server in a process of its own and returns its port; it
// stops when the benchmark ends.
func echoProcess(b *testing.B) int32 {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), echoProcessEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("the echo process printed no port: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		b.Fatal(err)
	}
	return int32(port)
}
