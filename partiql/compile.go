package partiql

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxStatementLength is DynamoDB's limit on a statement's length. Compile
// fails when any Part.Text is longer.
const MaxStatementLength = 8192

// Kind classifies a statement.
type Kind int

// Statement kinds.
const (
	KindSelect Kind = iota + 1
	KindInsert
	KindUpdate
	KindDelete
	KindExists // EXISTS(SELECT ...), a condition check
)

// String returns "SELECT", "INSERT", "UPDATE", "DELETE" or "EXISTS".
func (k Kind) String() string {
	switch k {
	case KindSelect:
		return "SELECT"
	case KindInsert:
		return "INSERT"
	case KindUpdate:
		return "UPDATE"
	case KindDelete:
		return "DELETE"
	case KindExists:
		return "EXISTS"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsWrite reports whether k is INSERT, UPDATE or DELETE.
func (k Kind) IsWrite() bool {
	return k == KindInsert || k == KindUpdate || k == KindDelete
}

// Compiled is a statement translated into what DynamoDB accepts.
type Compiled struct {
	Kind  Kind
	Table string // unquoted table name
	Index string // "" unless FROM "t"."index"
	Parts []Part // one; or one per row for SQL-style INSERT ... VALUES
	// Columns holds, for a SELECT with an explicit projection, the output
	// column names in written order, named as DynamoDB names them in the
	// result map (a.b -> "b"); nil for SELECT * and other kinds.
	Columns   []string
	NumInput  int      // arguments the statement takes: the count of ?, or the number of distinct :names
	Names     []string // distinct named placeholders (without ':') in first-appearance order; nil when positional
	Limit     int64    // row cap from a literal LIMIT; -1 when none
	LimitArg  int      // for LIMIT ? / LIMIT :n: the argument index holding the cap; -1 otherwise
	Returning bool     // UPDATE/DELETE has a RETURNING clause
}

// Part is one statement text to send to DynamoDB.
type Part struct {
	Text string // named placeholders printed as ?, LIMIT removed, table double-quoted
	Args []int  // for each ? in Text, in order: the index of the caller's argument
}

// Prepare is Parse followed by Compile.
func Prepare(src string) (*Compiled, error) {
	s, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Compile(s)
}

// Compile translates a parsed statement into what DynamoDB accepts.
//
// Besides printing, it rejects what DynamoDB would reject and can be known
// without a round trip: empty or mixed sets, MISSING outside IS [NOT]
// MISSING, arithmetic outside UPDATE ... SET, unknown functions or functions
// out of place, duplicate document keys, overlapping or same-named
// projections, RETURNING other than ALL OLD * on DELETE, LIMIT inside EXISTS,
// a LIMIT that is not a non-negative int64, a mix of ? and :name, and texts
// longer than MaxStatementLength.
func Compile(s Statement) (*Compiled, error) {
	c := &compiler{}
	out := &Compiled{Limit: -1, LimitArg: -1}
	switch s := s.(type) {
	case *SelectStmt:
		out.Kind, out.Table, out.Index = KindSelect, s.Table, s.Index
		if s.Projection != nil {
			cols, err := columns(s.Projection)
			if err != nil {
				return nil, err
			}
			out.Columns = cols
		}
		c.part(out, s)
		switch l := s.Limit.(type) {
		case nil:
		case *NumberLit:
			n, err := strconv.ParseInt(l.Text, 10, 64)
			if err != nil || !allDigits(l.Text) {
				c.fail("LIMIT " + l.Text + " is not a non-negative 64-bit integer")
			}
			out.Limit = n
		case *Placeholder:
			out.LimitArg = c.index(l)
		default:
			c.fail("LIMIT takes a non-negative integer or a placeholder")
		}
	case *InsertStmt:
		out.Kind, out.Table = KindInsert, s.Table
		switch s.Value.(type) {
		case *DocLit:
		case *Placeholder:
			// DynamoDB (Local 1.25 and the service's PartiQL front end)
			// answers "Unsupported format in item expression. Please use
			// struct format {...}".
			c.fail("DynamoDB rejects INSERT ... VALUE ?: write VALUE {'attr': ?, ...} or INSERT INTO t (attr, ...) VALUES (?, ...)")
		default:
			c.fail("INSERT ... VALUE takes a document {...}")
		}
		c.part(out, s)
	case *InsertValuesStmt:
		out.Kind, out.Table = KindInsert, s.Table
		if err := c.insertValues(out, s); err != nil {
			return nil, err
		}
	case *UpdateStmt:
		out.Kind, out.Table = KindUpdate, s.Table
		out.Returning = s.Returning != ReturnNone
		if len(s.Actions) == 0 {
			c.fail("UPDATE needs at least one SET or REMOVE")
		}
		for _, a := range s.Actions {
			if a.Remove != (a.Value == nil) {
				c.fail("SET needs a value and REMOVE takes none")
			}
		}
		if s.Where == nil {
			c.fail("UPDATE needs a WHERE clause")
		}
		c.part(out, s)
	case *DeleteStmt:
		out.Kind, out.Table = KindDelete, s.Table
		out.Returning = s.Returning != ReturnNone
		if s.Returning != ReturnNone && s.Returning != ReturnAllOld {
			c.fail("DELETE only allows RETURNING ALL OLD *")
		}
		if s.Where == nil {
			c.fail("DELETE needs a WHERE clause")
		}
		c.part(out, s)
	case *ExistsStmt:
		if s.Query == nil {
			return nil, errors.New("partiql: EXISTS without a SELECT")
		}
		out.Kind, out.Table, out.Index = KindExists, s.Query.Table, s.Query.Index
		if s.Query.Limit != nil {
			c.fail("LIMIT is not allowed inside EXISTS(...)")
		}
		c.part(out, s)
	case nil:
		return nil, errors.New("partiql: nil statement")
	default:
		return nil, errors.New("partiql: unknown statement type")
	}
	if c.err != nil {
		return nil, c.err
	}
	if out.Table == "" {
		return nil, errors.New("partiql: empty table name")
	}
	if c.named {
		out.Names = c.names
		out.NumInput = len(c.names)
	} else {
		out.NumInput = c.positional
	}
	for _, part := range out.Parts {
		if len(part.Text) > MaxStatementLength {
			if n := utf8.RuneCountInString(part.Text); n > MaxStatementLength {
				return nil, errors.New("partiql: the statement is " + strconv.Itoa(n) +
					" characters long, over DynamoDB's limit of " + strconv.Itoa(MaxStatementLength) +
					" (MaxStatementLength)")
			}
		}
	}
	return out, nil
}

// Expression contexts, for the checks that depend on where an expression is.
const (
	ctxWhere = iota // a condition: WHERE
	ctxSet          // an UPDATE ... SET value
	ctxValue        // an INSERT value
)

type compiler struct {
	ctx        int
	positional int      // ? seen so far
	names      []string // distinct :names seen so far
	named      bool
	args       []int // the current part's arguments
	err        error
}

func (c *compiler) fail(msg string) {
	if c.err == nil {
		c.err = errors.New("partiql: " + msg)
	}
}

// part prints s in compile mode and appends it to out.Parts.
func (c *compiler) part(out *Compiled, s Statement) {
	p := printer{compile: true, c: c}
	p.b.Grow(256)
	c.args = nil
	p.stmt(s)
	out.Parts = append(out.Parts, Part{Text: p.b.String(), Args: c.args})
}

// index returns the caller's argument index of ph.
func (c *compiler) index(ph *Placeholder) int {
	if ph.Name == "" {
		if c.named {
			c.fail("? and :name placeholders cannot be mixed")
		}
		c.positional++
		return c.positional - 1
	}
	if c.positional > 0 {
		c.fail("? and :name placeholders cannot be mixed")
	}
	c.named = true
	for i, n := range c.names {
		if n == ph.Name {
			return i
		}
	}
	if c.names == nil {
		c.names = make([]string, 0, 4)
	}
	c.names = append(c.names, ph.Name)
	return len(c.names) - 1
}

// placeholder records ph as the next ? of the current part.
func (c *compiler) placeholder(ph *Placeholder) {
	if c.args == nil {
		c.args = make([]int, 0, 4)
	}
	c.args = append(c.args, c.index(ph))
}

func (c *compiler) insertValues(out *Compiled, s *InsertValuesStmt) error {
	if len(s.Columns) == 0 {
		return errors.New("partiql: INSERT with an empty column list")
	}
	if len(s.Rows) == 0 {
		return errors.New("partiql: INSERT ... VALUES without rows")
	}
	for i, col := range s.Columns {
		for _, prev := range s.Columns[:i] {
			if prev == col {
				return errors.New("partiql: column " + strconv.Quote(col) + " is listed twice")
			}
		}
	}
	out.Parts = make([]Part, 0, len(s.Rows))
	for r, row := range s.Rows {
		if len(row) != len(s.Columns) {
			return errors.New("partiql: VALUES row " + strconv.Itoa(r+1) + " has " + plural(len(row), "value") +
				" for " + plural(len(s.Columns), "column"))
		}
		p := printer{compile: true, c: c}
		p.b.Grow(128)
		c.args = nil
		p.b.WriteString("INSERT INTO ")
		p.table(s.Table)
		p.b.WriteString(" VALUE {")
		for i, e := range row {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.str(s.Columns[i])
			p.b.WriteString(": ")
			p.value(e)
		}
		p.b.WriteByte('}')
		out.Parts = append(out.Parts, Part{Text: p.b.String(), Args: c.args})
	}
	return nil
}

// Function classes: where DynamoDB allows a function.
const (
	funcUnknown = iota
	funcCondition
	funcSet
)

// funcInfo classifies a function name (in any case) and gives its arity.
func funcInfo(name string) (class, arity int) {
	switch {
	case equalFoldASCII(name, "BEGINS_WITH"), equalFoldASCII(name, "CONTAINS"), equalFoldASCII(name, "ATTRIBUTE_TYPE"):
		return funcCondition, 2
	case equalFoldASCII(name, "SIZE"):
		return funcCondition, 1
	case equalFoldASCII(name, "LIST_APPEND"), equalFoldASCII(name, "SET_ADD"), equalFoldASCII(name, "SET_DELETE"),
		equalFoldASCII(name, "IF_NOT_EXISTS"):
		return funcSet, 2
	}
	return funcUnknown, 0
}

// check rejects, in compile mode, what DynamoDB rejects about e in the
// current context.
func (c *compiler) check(e Expr) {
	switch e := e.(type) {
	case *MissingLit:
		c.fail("MISSING can only be tested with IS [NOT] MISSING")
	case *NumberLit:
		if msg := numberProblem(e.Text); msg != "" {
			c.fail("number " + e.Text + " " + msg)
		}
	case *ExistsExpr:
		c.fail("EXISTS(SELECT ...) can only stand as a whole statement")
	case *BinaryExpr:
		if (e.Op == OpAdd || e.Op == OpSub) && c.ctx != ctxSet {
			c.fail("arithmetic (" + e.Op.String() + ") is only allowed in UPDATE ... SET values")
		}
		if e.Op < OpOr || e.Op > OpSub {
			c.fail("unsupported operator " + e.Op.String())
		}
	case *UnaryExpr:
		if e.Op == OpNeg && c.ctx != ctxSet {
			c.fail("negation is only allowed in UPDATE ... SET values; write a negative number as -5")
		}
	case *CallExpr:
		class, arity := funcInfo(e.Name)
		switch {
		case class == funcUnknown:
			c.fail("unknown function " + e.Name)
		case c.ctx == ctxValue:
			c.fail("function " + e.Name + " is not allowed in an INSERT value")
		case c.ctx == ctxWhere && class != funcCondition:
			c.fail("function " + e.Name + " is not allowed in a condition")
		case c.ctx == ctxSet && class != funcSet:
			c.fail("function " + e.Name + " is not allowed in a SET value")
		case len(e.Args) != arity:
			c.fail("function " + e.Name + " takes " + plural(arity, "argument") + ", not " + strconv.Itoa(len(e.Args)))
		}
	case *SetLit:
		if len(e.Elems) == 0 {
			c.fail("empty set <<>>: DynamoDB sets cannot be empty")
		}
		var strs, nums bool
		for _, el := range e.Elems {
			switch el := el.(type) {
			case *StringLit:
				strs = true
			case *NumberLit:
				nums = true
			case *Placeholder:
			default:
				c.fail("a set holds only strings or only numbers, not " + el.String())
			}
		}
		if strs && nums {
			c.fail("a set holds only strings or only numbers, not both")
		}
	case *DocLit:
		for i, f := range e.Fields {
			for _, g := range e.Fields[:i] {
				if g.Key == f.Key {
					c.fail("document key " + strconv.Quote(f.Key) + " appears twice")
				}
			}
		}
	case *IsExpr, *InExpr, *BetweenExpr:
		if c.ctx != ctxWhere {
			c.fail("conditions (IN, BETWEEN, IS) are only allowed in WHERE")
		}
	}
}

// columns names the projected paths as DynamoDB names them in result items:
// the last attribute name before the first list index, with that index
// (a.b[1].c -> "b[1]"), else the last attribute name (a.b.c -> "c").
func columns(proj []*Path) ([]string, error) {
	cols := make([]string, len(proj))
	for i, p := range proj {
		if p == nil {
			return nil, errors.New("partiql: nil projection path")
		}
		cols[i] = outputName(p)
		for j, q := range proj[:i] {
			if overlaps(p, q) {
				return nil, errors.New("partiql: projected paths " + q.String() + " and " + p.String() +
					" overlap; DynamoDB rejects overlapping paths")
			}
			if cols[j] == cols[i] {
				return nil, errors.New("partiql: projected paths " + q.String() + " and " + p.String() +
					" both come back as " + strconv.Quote(cols[i]))
			}
		}
	}
	return cols, nil
}

func outputName(p *Path) string {
	last := p.Name
	for _, s := range p.Steps {
		if s.IsIndex {
			return last + "[" + strconv.Itoa(s.Index) + "]"
		}
		last = s.Field
	}
	return last
}

// overlaps reports whether one path is a prefix of the other.
func overlaps(a, b *Path) bool {
	if a.Name != b.Name {
		return false
	}
	n := min(len(a.Steps), len(b.Steps))
	for i := 0; i < n; i++ {
		if a.Steps[i] != b.Steps[i] {
			return false
		}
	}
	return true
}

// numberProblem checks a number literal against DynamoDB's number type: at
// most 38 significant digits, magnitude between 1E-130 and 9.99E+125 (or 0).
// It returns "" when the number is fine.
func numberProblem(text string) string {
	s := text
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 1e6 || e < -1e6 {
			return "is out of DynamoDB's range"
		}
		exp = e
	}
	intLen := len(mant)
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intLen = i
	}
	first, last, seen := -1, -1, 0
	for i := 0; i < len(mant); i++ {
		c := mant[i]
		if c == '.' {
			continue
		}
		if c < '0' || c > '9' {
			return "is not a valid number"
		}
		if c != '0' {
			if first < 0 {
				first = seen
			}
			last = seen
		}
		seen++
	}
	if seen == 0 {
		return "is not a valid number"
	}
	if first < 0 {
		return "" // zero
	}
	if last-first+1 > 38 {
		return "has more than 38 significant digits"
	}
	mag := intLen - 1 - first + exp // decimal exponent of the first significant digit
	if mag > 125 || mag < -130 {
		return "is out of DynamoDB's range (1E-130 to 9.99E+125)"
	}
	return ""
}
