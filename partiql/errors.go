package partiql

import "strconv"

// SyntaxError reports a statement that does not parse.
type SyntaxError struct {
	Line, Column int    // 1-based; Column counts runes
	Offset       int    // byte offset into the source
	Found        string // what was found, e.g. `"FORM"`, `end of input`
	Expected     string // what was expected, e.g. `FROM`, `an expression`
	Excerpt      string // the source line, then a line with a caret under Column
}

// Error returns "partiql: line L, column C: found X, expected Y" followed by
// a newline and the excerpt.
func (e *SyntaxError) Error() string {
	s := "partiql: line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column) +
		": found " + e.Found + ", expected " + e.Expected
	if e.Excerpt != "" {
		s += "\n" + e.Excerpt
	}
	return s
}
