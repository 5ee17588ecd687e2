package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at build time by the release build:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2024-05-06T07:08:09Z"
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// buildInfo is what `lx version` prints.
type buildInfo struct {
	Version, Commit, Date, Go, Platform string
}

// currentBuild is the injected version, commit and date; without them,
// what the Go toolchain recorded (the module version of `go install
// ...@v1.2.3`, the VCS revision and time of a build in a checkout).
func currentBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && commit == "" && b.Commit != "" {
		b.Commit += "-dirty"
	}
	return b
}

func (b buildInfo) short() string {
	s := "lx " + b.Version
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (" + c
		if b.Date != "" {
			s += ", " + b.Date
		}
		s += ")"
	}
	return s
}

func (b buildInfo) write(w io.Writer) error {
	unknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	_, err := fmt.Fprintf(w, "lx %s\ncommit:   %s\nbuilt:    %s\ngo:       %s\nplatform: %s\n",
		b.Version, unknown(b.Commit), unknown(b.Date), b.Go, b.Platform)
	return err
}

// newVersionCmd is `lx version`; the root's --version prints b.short().
func newVersionCmd() *cobra.Command {
	b := currentBuild()
	return &cobra.Command{
		Use:   "version",
		Short: "Print lx's version, commit and build date",
		Long: `Print the version of lx, the commit it was built from, the build date,
the Go version and the platform. Release builds carry all three; a build
from a checkout shows what the Go toolchain recorded, else "dev".`,
		Example: `  lx version
  lx --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return b.write(cmd.OutOrStdout())
		},
	}
}
