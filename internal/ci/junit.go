package ci

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *struct{}     `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the verdicts as JUnit XML: one test suite named after
// the image, one test case per rule; disabled rules are skipped cases.
func WriteJUnit(w io.Writer, image string, results []Result, took time.Duration, details string) error {
	s := junitSuite{Name: "lx ci " + image, Tests: len(results), Time: fmt.Sprintf("%.3f", took.Seconds())}
	for _, r := range results {
		c := junitCase{Name: r.Key, ClassName: "lx.ci"}
		switch {
		case !r.Enabled:
			c.Skipped = &struct{}{}
			s.Skipped++
		case !r.Passed:
			msg := fmt.Sprintf("%s: %s, threshold %s", r.Key, r.Measured, r.Threshold)
			c.Failure = &junitFailure{Message: msg, Type: "threshold", Text: msg + "\n\n" + details}
			s.Failures++
		default:
			c.SystemOut = fmt.Sprintf("%s: %s, threshold %s", r.Key, r.Measured, r.Threshold)
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{s}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
