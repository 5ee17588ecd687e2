package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRenderCode(t *testing.T) {
	in := "`RUN chmod -R 0777 /data` recopied `/data/two`: use `COPY --chmod`; a lone ` stays\nand `x\n` too"
	for st, want := range map[codeStyle]string{
		codePlain:  "RUN chmod -R 0777 /data recopied /data/two: use COPY --chmod; a lone ` stays\nand `x\n` too",
		codeBold:   "\x1b[1mRUN chmod -R 0777 /data\x1b[22m recopied \x1b[1m/data/two\x1b[22m: use \x1b[1mCOPY --chmod\x1b[22m; a lone ` stays\nand `x\n` too",
		codeQuoted: "‘RUN chmod -R 0777 /data’ recopied ‘/data/two’: use ‘COPY --chmod’; a lone ` stays\nand `x\n` too",
	} {
		if got := st.render(in); got != want {
			t.Errorf("style %d:\n got %q\nwant %q", st, got, want)
		}
	}
	if codeStyleFor(&bytes.Buffer{}) != codePlain {
		t.Error("a buffer is not a terminal")
	}
}

// Piped, lx ci's verdicts and hints carry no Markdown backticks.
func TestCIOutputPlainWhenPiped(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runIn(t, dir, "ci", demoTar(t, dir))
	if code != exitRuleFail || !strings.Contains(stdout, "Fix hints:") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "`") {
		t.Errorf("backticks in piped output:\n%s", stdout)
	}
	if !strings.Contains(stdout, "RUN rm /data/one deletes /data/one") {
		t.Errorf("the hints lost their words:\n%s", stdout)
	}
}
