package nginxfallback

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A reload has taken effect only once no old worker accepts connections: nginx starts the
// new workers first and only then tells the old ones to quit, so for a moment both accept,
// and a status answer from a new worker alone proves nothing about the next connection.
// These helpers read /proc (nginx mode runs on Linux) to see which workers still hold a
// listening socket.

// workersOf lists the pids of master's children.
func workersOf(master int) []int {
	return processesWhere(func(st procStat) bool { return st.ppid == master })
}

// groupAlive reports whether a process of group pgid is still alive: a zombie has closed
// its sockets, and in a container whose init reaps nothing it stays a zombie for good.
func groupAlive(pgid int) bool {
	return len(processesWhere(func(st procStat) bool { return st.pgrp == pgid && st.state != 'Z' && st.state != 'X' })) > 0
}

func processesWhere(match func(procStat) bool) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := statOf(pid); ok && match(st) {
			out = append(out, pid)
		}
	}
	return out
}

// procStat is what /proc/PID/stat says of a process's state, parent and group.
type procStat struct {
	state      byte
	ppid, pgrp int
}

// statOf reads /proc/PID/stat; the command name comes first, in parentheses, and may hold
// spaces, so the fields are counted after its closing one.
func statOf(pid int) (procStat, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, false
	}
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	return procStat{state: f[0][0], ppid: ppid, pgrp: pgrp}, err1 == nil && err2 == nil
}

// listeningSockets returns the "socket:[INODE]" links of the TCP sockets listening on
// ports, as /proc/PID/fd shows them.
func listeningSockets(ports []int) map[string]bool {
	want := map[string]bool{}
	for _, p := range ports {
		want[fmt.Sprintf("%04X", p)] = true
	}
	out := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			const listen = "0A"
			if len(f) < 10 || f[3] != listen {
				continue
			}
			if _, port, ok := strings.Cut(f[1], ":"); ok && want[port] {
				out["socket:["+f[9]+"]"] = true
			}
		}
	}
	return out
}

// accepting reports whether pid exists and holds one of sockets open.
func accepting(pid int, sockets map[string]bool) bool {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if link, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && sockets[link] {
			return true
		}
	}
	return false
}

// anyAccepting reports whether one of pids still accepts on ports.
func anyAccepting(pids, ports []int) bool {
	if len(pids) == 0 {
		return false
	}
	sockets := listeningSockets(ports)
	for _, pid := range pids {
		if accepting(pid, sockets) {
			return true
		}
	}
	return false
}
