package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lx.dev/lx/internal/atomicfile"
	"lx.dev/lx/internal/ci"
	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model/report"
)

// ciOffenders and ciHints bound what `lx ci` prints after the verdicts.
const (
	ciOffenders = 5
	ciHints     = 3
)

type ciFlags struct {
	rules        string
	ruleFlags    []ruleFlag // the rules given as flags, in ci.Keys order
	report       string
	reportFormat string
	junit        string
	src          sourceFlags
}

// ruleFlag is one rule given as a flag, as dive takes them:
// --highestWastedBytes 20MB.
type ruleFlag struct{ key, value string }

// ruleFlagHelp is the help of each rule's flag.
var ruleFlagHelp = map[string]string{
	ci.KeyLowestEfficiency:         "efficiency at least this (0.9 or 90%, or disabled); wins over the rules file",
	ci.KeyHighestWastedBytes:       "wasted bytes at most this (20MB, 1.5GiB or bytes, or disabled); wins over the rules file",
	ci.KeyHighestUserWastedPercent: "wasted share of the bytes above the base image at most this (0.1 or 10%, or disabled); wins over the rules file",
	ci.KeyHighestLayerCount:        "at most this many layers (or disabled); wins over the rules file",
}

func newCICmd() *cobra.Command {
	var f ciFlags
	cmd := &cobra.Command{
		Use:   "ci [flags] IMAGE|ARCHIVE",
		Short: "Gate a pipeline on an image's waste: exit 1 when a rule fails",
		Long: `Analyse an image and check it against rules:

  lowestEfficiency          efficiency at least this (0.9, or 90%)
  highestWastedBytes        wasted bytes at most this (20MB, 1.5GiB, or bytes)
  highestUserWastedPercent  wasted share of the bytes of the layers above the
                            base image at most this (0.1, or 10%); the first
                            layer is taken as the base image
  highestLayerCount         at most this many layers

Any of them can be "disabled". The rules come from --rules FILE, else
.lx-ci.yaml in the current directory, else dive's .dive-ci (the same keys
under "rules:"), else the ci.rules of the configuration file (see lx
config), else the defaults: lowestEfficiency 0.9 and
highestUserWastedPercent 0.1. A rule given as a flag, as dive takes them
(--highestWastedBytes 20MB), wins over all of these.

Exit codes: 0 every rule passed, 1 a rule failed, 2 the image could not be
analysed or the rules or flags are wrong.`,
		Example: `  lx ci myapp:latest
  lx ci --rules ci/lx.yaml --junit lx-junit.xml myapp:latest
  lx ci --lowestEfficiency 0.95 --highestWastedBytes 20MB myapp:latest
  lx ci --report report.html image.tar
  lx ci container:web`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			for _, key := range ci.Keys {
				if fl := cmd.Flag(key); fl.Changed {
					f.ruleFlags = append(f.ruleFlags, ruleFlag{key, fl.Value.String()})
				}
			}
			return runCI(cmd.Context(), args[0], f, cfg.CI.Rules, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.rules, "rules", "", "rules file (default: .lx-ci.yaml, else .dive-ci, in the current directory)")
	fl.StringVar(&f.report, "report", "", "also write a report to FILE from the same analysis")
	fl.StringVar(&f.reportFormat, "report-format", "", "format of --report: json, markdown or html (default: from the file's extension)")
	fl.StringVar(&f.junit, "junit", "", "write the verdicts as JUnit XML to FILE")
	for _, key := range ci.Keys {
		fl.String(key, "", ruleFlagHelp[key])
	}
	f.src.register(fl)
	return cmd
}

// runCI gates one image. defaults are the rules when no rules file is
// found: the configuration file's, else lx's own.
func runCI(ctx context.Context, ref string, f ciFlags, defaults ci.Rules, stdout, stderr io.Writer) error {
	started := time.Now()
	rules, err := ci.Find(f.rules, ".")
	if err != nil {
		return err
	}
	if rules.From == ci.Defaults().From {
		rules = defaults
	}
	if err := applyRuleFlags(&rules, f.ruleFlags); err != nil {
		return err
	}
	// Every output is opened before the analysis, so a path that cannot be
	// written fails at once, and each is written whole or not at all.
	reportFormat, err := ciReportFormat(f)
	if err != nil {
		return err
	}
	var reportFile *reportfile.File
	if f.report != "" {
		if reportFile, err = reportfile.Create(f.report, reportfile.Options{}); err != nil {
			return err
		}
		defer reportFile.Abort()
	}
	junitFile, err := createOutput(f.junit)
	if err != nil {
		return err
	}
	defer junitFile.Abort()

	img, err := analyze(ctx, ref, f.src, stderr, nil)
	if err != nil {
		return err
	}
	printWarnings(stderr, img)
	rep := report.Build(img, report.Options{Changes: reportFormat.WantsChanges()})
	results := ci.Evaluate(rep, rules)
	details := ciDetails(rep)
	printVerdicts(stdout, rep, rules, results, details)

	if reportFile != nil {
		if _, err := reportFile.Write(rep, reportFormat); err != nil {
			return err
		}
	}
	if junitFile != nil {
		if err := ci.WriteJUnit(junitFile, rep.Image.Ref, results, time.Since(started), codePlain.render(details)); err != nil {
			return fmt.Errorf("writing %s: %w", f.junit, err)
		}
		if err := junitFile.Commit(); err != nil {
			return err
		}
	}
	if n := ci.Failed(results); n > 0 {
		return codeError{code: exitRuleFail, err: fmt.Errorf("%d of the rules failed", n)}
	}
	return nil
}

// applyRuleFlags sets the rules given as flags over the others, with the
// rules file's parsing and errors, and says so in rules.From.
func applyRuleFlags(rules *ci.Rules, flags []ruleFlag) error {
	var names []string
	for _, fl := range flags {
		if err := rules.Set(fl.key, fl.value); err != nil {
			return fmt.Errorf("--%w", err)
		}
		names = append(names, "--"+fl.key)
	}
	if len(names) > 0 {
		rules.From += " with " + strings.Join(names, ", ")
	}
	return nil
}

// ciReportFormat is the format of --report: --report-format, else the
// file's extension.
func ciReportFormat(f ciFlags) (report.Format, error) {
	if f.reportFormat != "" {
		return report.ParseFormat(f.reportFormat)
	}
	if f.report == "" {
		return 0, nil
	}
	format, ok := report.FormatOf(f.report)
	if !ok {
		return 0, fmt.Errorf("--report %s: cannot tell the format from the name; add --report-format (%s)", f.report, report.FormatNames())
	}
	return format, nil
}

// createOutput opens path for an atomic write; "" gives nil (no output).
func createOutput(path string) (*atomicfile.File, error) {
	if path == "" {
		return nil, nil
	}
	return atomicfile.Create(path)
}

// printVerdicts writes the verdicts and details, their `code` spans
// rendered for w.
func printVerdicts(w io.Writer, rep report.Report, rules ci.Rules, results []ci.Result, details string) {
	io.WriteString(w, codeStyleFor(w).render(verdictsText(rep, rules, results, details)))
}

// verdictsText is lx ci's output: a line per rule, the details, the verdict.
func verdictsText(rep report.Report, rules ci.Rules, results []ci.Result, details string) string {
	var w strings.Builder
	img := rep.Image
	fmt.Fprintf(&w, "lx ci: %s · efficiency %s · wasted %s of %s · %d layers\n",
		img.Ref, report.Percent(img.Efficiency), report.BytesExact(img.WastedBytes), report.BytesExact(img.TotalBytes), img.LayerCount)
	fmt.Fprintf(&w, "rules from %s; %s\n\n", rules.From, ci.Boundary(rep))
	for _, r := range results {
		switch {
		case !r.Enabled:
			fmt.Fprintf(&w, "  SKIP  %-25s %s (disabled)\n", r.Key, r.Measured)
		case r.Passed:
			fmt.Fprintf(&w, "  PASS  %-25s %s (threshold %s)\n", r.Key, r.Measured, r.Threshold)
		default:
			fmt.Fprintf(&w, "  FAIL  %-25s %s (threshold %s)\n", r.Key, r.Measured, r.Threshold)
		}
	}
	if details != "" {
		fmt.Fprintf(&w, "\n%s", details)
	}
	if n := ci.Failed(results); n > 0 {
		fmt.Fprintf(&w, "\nFAILED: %d of %d rules\n", n, len(results))
	} else {
		fmt.Fprintln(&w, "\nPASSED")
	}
	return w.String()
}

// ciDetails are the biggest wasted copies and the fix hints, as text.
func ciDetails(rep report.Report) string {
	if len(rep.Waste) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Biggest wasted copies (%d in all):\n", len(rep.Waste))
	for i, x := range rep.Waste {
		if i == ciOffenders {
			break
		}
		fmt.Fprintf(&b, "  %-12s %-9s %s  made by layer %d, killed by layer %d", report.Bytes(x.Bytes), x.Cause, x.Path, x.MadeBy, x.KilledBy)
		if x.Changed != "" {
			fmt.Fprintf(&b, " (%s)", x.Changed)
		}
		b.WriteString("\n")
	}
	if len(rep.Hints) > 0 {
		b.WriteString("\nFix hints:\n")
		for i, h := range rep.Hints {
			if i == ciHints {
				fmt.Fprintf(&b, "  …and %d more in the report\n", len(rep.Hints)-i)
				break
			}
			fmt.Fprintf(&b, "  %d. %s: %s.\n", i+1, h.Text, h.Advice)
		}
	}
	return b.String()
}
