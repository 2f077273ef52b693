package partiql

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range awsExamples {
		f.Add(s)
	}
	for _, tc := range canonical {
		f.Add(tc.in)
	}
	f.Add(benchStmt)
	f.Add("INSERT INTO t (a, b) VALUES (:a, :b), (:c, :a)")
	f.Add("SELECT * FROM t WHERE a = '\xff' AND \"\xfe\" = 1")
	f.Fuzz(func(t *testing.T, src string) {
		st, err := Parse(src)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("Parse(%q): %T is not a *SyntaxError", src, err)
			}
			if se.Line < 1 || se.Column < 1 || se.Offset < 0 || se.Offset > len(src) ||
				se.Found == "" || se.Expected == "" || !strings.Contains(se.Excerpt, "^") {
				t.Fatalf("Parse(%q): malformed error %+v", src, se)
			}
			if utf8.ValidString(src) && se.Column > utf8.RuneCountInString(src)+1 {
				t.Fatalf("Parse(%q): column %d past the end", src, se.Column)
			}
			return
		}
		text := st.String()
		st2, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", src, text, err)
		}
		if !reflect.DeepEqual(st, st2) {
			t.Fatalf("round trip of %q changed the tree:\n%s\n%s", src, text, st2.String())
		}
		if again := st2.String(); again != text {
			t.Fatalf("printing %q is not a fixed point:\n%s\n%s", src, text, again)
		}
		c, err := Compile(st)
		if err != nil {
			if _, ok := err.(*SyntaxError); ok {
				t.Fatalf("Compile(%q) returned a *SyntaxError", src)
			}
			return
		}
		// Every part is itself a positional statement with one argument per ?.
		used := 0
		for _, part := range c.Parts {
			pc, err := Prepare(part.Text)
			if err != nil {
				t.Fatalf("part %q of %q does not prepare: %v", part.Text, src, err)
			}
			if pc.Names != nil || pc.NumInput != len(part.Args) || len(pc.Parts) != 1 || pc.Parts[0].Text != part.Text {
				t.Fatalf("part %q of %q: %+v", part.Text, src, pc)
			}
			for _, a := range part.Args {
				if a < 0 || a >= c.NumInput {
					t.Fatalf("%q: argument index %d out of range %d", src, a, c.NumInput)
				}
			}
			used += len(part.Args)
		}
		if c.LimitArg >= c.NumInput || (c.Names != nil && len(c.Names) != c.NumInput) {
			t.Fatalf("%q: %+v", src, c)
		}
		if c.Names == nil && c.LimitArg < 0 && used != c.NumInput {
			t.Fatalf("%q: %d positional arguments used, NumInput %d", src, used, c.NumInput)
		}
	})
}
