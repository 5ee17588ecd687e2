package e2e

// The watchdog: lx run as the real binary under a deadline, with its wall
// time and peak memory measured, so a hang or a runaway allocation fails
// a test instead of stalling it.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

type watched struct {
	code           int
	stdout, stderr []byte
	elapsed        time.Duration
	maxRSS         int64 // bytes
	timedOut       bool
}

// rusageEnv, when set in the environment of this test binary, makes it a
// wrapper: it runs its arguments as a command and writes the command's
// peak RSS (KiB) to the file the variable names. Linux counts in a
// process's peak the memory its parent had when it forked it, and this
// test process holds hundreds of MB; the wrapper is a fresh small process,
// so the peak it reports is lx's own.
const rusageEnv = "LX_E2E_RUSAGE_TO"

func rusageWrapper(out string, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "rusage wrapper:", err)
		return 125
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		os.WriteFile(out, []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o644)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

// watchBinary runs bin with args through the wrapper, killing the whole
// process group after limit.
func watchBinary(t *testing.T, limit time.Duration, bin string, args ...string) watched {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rss := filepath.Join(dir, ".maxrss")
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, append([]string{bin}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), rusageEnv+"="+rss)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	w := watched{elapsed: time.Since(start), stdout: stdout.Bytes(), stderr: stderr.Bytes(), timedOut: ctx.Err() != nil}
	if b, rerr := os.ReadFile(rss); rerr == nil {
		kib, _ := strconv.ParseInt(string(b), 10, 64)
		w.maxRSS = kib << 10
	}
	var exit *exec.ExitError
	switch {
	case w.timedOut:
		w.code = -1
	case err == nil:
	case errors.As(err, &exit):
		w.code = exit.ExitCode()
	default:
		t.Fatalf("%s %s: %v", bin, strings.Join(args, " "), err)
	}
	return w
}

// checkErrorLine checks the one line lx stops with: exit 2, exactly one
// line on stderr starting "lx: ", and no trace of a panic.
func checkErrorLine(t *testing.T, w watched) {
	t.Helper()
	msg := string(w.stderr)
	if w.code != 2 {
		t.Errorf("exit %d, want 2 (stderr %.300q)", w.code, msg)
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || !strings.HasPrefix(msg, "lx: ") {
		t.Errorf("stderr is not one line starting \"lx: \": %.500q", msg)
	}
}

// checkNoPanic fails on any trace of a Go panic or a dump of goroutines.
func checkNoPanic(t *testing.T, w watched) {
	t.Helper()
	for _, s := range []string{"panic", "goroutine ", "runtime error", "fatal error"} {
		if bytes.Contains(w.stderr, []byte(s)) {
			t.Errorf("stderr shows %q:\n%.2000s", s, w.stderr)
		}
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
