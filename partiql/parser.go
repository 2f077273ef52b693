package partiql

import (
	"strconv"
	"unicode/utf8"
)

// Parse parses exactly one statement (a trailing ';' allowed). Errors are
// *SyntaxError.
func Parse(src string) (st Statement, err error) {
	p := parser{lex: lexer{src: src}}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			st, err = nil, se
		}
	}()
	p.next()
	st = p.parseStatement()
	if p.tok.kind == tokSemi {
		p.next()
	}
	if p.tok.kind != tokEOF {
		p.fail("end of input")
	}
	return st, nil
}

// parser is a recursive-descent parser over a pull lexer with one token of
// look-ahead. Errors unwind with panic(*SyntaxError), recovered by Parse.
type parser struct {
	lex        lexer
	tok        token
	positional bool // a ? was seen
	named      bool // a :name was seen
	depth      int  // expression nesting, bounded by maxDepth

	// Slabs: the most common nodes are carved out of small arrays, so that
	// a typical statement costs a handful of allocations instead of one per
	// node.
	paths slab[Path]
	bins  slab[BinaryExpr]
	phs   slab[Placeholder]
	strs  slab[StringLit]
	nums  slab[NumberLit]
}

// slab hands out pointers into arrays of n elements, allocated on demand.
type slab[T any] struct{ buf []T }

func (s *slab[T]) get(n int) *T {
	if len(s.buf) == 0 {
		s.buf = make([]T, n)
	}
	x := &s.buf[0]
	s.buf = s.buf[1:]
	return x
}

func (p *parser) newPath(name string) *Path {
	x := p.paths.get(8)
	x.Name = name
	return x
}

func (p *parser) newBinary(op BinaryOp, l, r Expr) *BinaryExpr {
	x := p.bins.get(8)
	x.Op, x.L, x.R = op, l, r
	return x
}

func (p *parser) newNumber(text string) *NumberLit {
	x := p.nums.get(4)
	x.Text = text
	return x
}

// maxDepth bounds expression nesting so that hostile input cannot exhaust
// the stack.
const maxDepth = 200

func (p *parser) next() { p.tok = p.lex.next() }

// fail reports the current token as unexpected.
func (p *parser) fail(expected string) {
	p.failAt(p.tok.pos, p.found(), expected)
}

func (p *parser) found() string {
	switch p.tok.kind {
	case tokEOF:
		return "end of input"
	case tokIllegal:
		return p.tok.val
	}
	return quoteFound(p.lex.src[p.tok.pos:p.tok.end])
}

func (p *parser) failAt(offset int, found, expected string) {
	panic(newSyntaxError(p.lex.src, offset, found, expected))
}

// newSyntaxError locates offset in src and builds the excerpt.
func newSyntaxError(src string, offset int, found, expected string) *SyntaxError {
	if offset > len(src) {
		offset = len(src)
	}
	line, lineStart := 1, 0
	for i := 0; i < offset; i++ {
		if src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	lineEnd := len(src)
	for i := offset; i < len(src); i++ {
		if src[i] == '\n' || src[i] == '\r' {
			lineEnd = i
			break
		}
	}
	col := utf8.RuneCountInString(src[lineStart:offset]) + 1
	text := src[lineStart:lineEnd]
	caret := make([]byte, 0, col+len(text))
	for _, r := range src[lineStart:offset] {
		if r == '\t' {
			caret = append(caret, '\t')
		} else {
			caret = append(caret, ' ')
		}
	}
	caret = append(caret, '^')
	return &SyntaxError{
		Line:     line,
		Column:   col,
		Offset:   offset,
		Found:    found,
		Expected: expected,
		Excerpt:  text + "\n" + string(caret),
	}
}

func (p *parser) expect(k tokKind, expected string) {
	if p.tok.kind != k {
		p.fail(expected)
	}
	p.next()
}

func (p *parser) expectKw(k keyword) {
	if p.tok.kind != tokIdent || p.tok.kw != k {
		p.fail(keywordText[k])
	}
	p.next()
}

func (p *parser) isKw(k keyword) bool { return p.tok.kind == tokIdent && p.tok.kw == k }

// isName reports whether the current token can name an attribute or table:
// a quoted identifier, or a word that is not a (hard) keyword.
func (p *parser) isName() bool {
	return p.tok.kind == tokQIdent || (p.tok.kind == tokIdent && (p.tok.kw == kwNone || softKeyword(p.tok.kw)))
}

func (p *parser) name(expected string) string {
	if !p.isName() {
		p.fail(expected)
	}
	s := p.tok.val
	p.next()
	return s
}

// ---------------------------------------------------------------------------
// Statements

func (p *parser) parseStatement() Statement {
	if p.tok.kind == tokIdent {
		switch p.tok.kw {
		case kwSelect:
			return p.parseSelect(true)
		case kwInsert:
			return p.parseInsert()
		case kwUpdate:
			return p.parseUpdate()
		case kwDelete:
			return p.parseDelete()
		case kwExists:
			p.next()
			p.expect(tokLParen, "(")
			q := p.parseSelect(false)
			p.expect(tokRParen, ")")
			return &ExistsStmt{Query: q}
		}
	}
	p.fail("SELECT, INSERT, UPDATE, DELETE or EXISTS")
	return nil
}

func (p *parser) parseTable(allowIndex bool) (table, index string) {
	table = p.name("a table name")
	if allowIndex && p.tok.kind == tokDot {
		p.next()
		if p.tok.kind != tokQIdent && p.tok.kind != tokIdent {
			p.fail("an index name")
		}
		index = p.tok.val
		p.next()
	}
	return table, index
}

func (p *parser) parseSelect(allowLimit bool) *SelectStmt {
	p.expectKw(kwSelect)
	s := &SelectStmt{}
	if p.tok.kind == tokStar {
		p.next()
	} else {
		s.Projection = make([]*Path, 0, 8)
		for {
			s.Projection = append(s.Projection, p.parsePath("*, an attribute name or a path"))
			if p.tok.kind != tokComma {
				break
			}
			p.next()
		}
	}
	p.expectKw(kwFrom)
	s.Table, s.Index = p.parseTable(true)
	if p.isKw(kwWhere) {
		p.next()
		s.Where = p.parseExpr()
	}
	if p.isKw(kwOrder) {
		p.next()
		p.expectKw(kwBy)
		for {
			item := OrderItem{Path: p.parsePath("an attribute name or a path")}
			if p.isKw(kwAsc) {
				p.next()
			} else if p.isKw(kwDesc) {
				p.next()
				item.Desc = true
			}
			s.OrderBy = append(s.OrderBy, item)
			if p.tok.kind != tokComma {
				break
			}
			p.next()
		}
	}
	if allowLimit && p.isKw(kwLimit) {
		p.next()
		switch p.tok.kind {
		case tokNumber:
			if !allDigits(p.tok.val) {
				p.fail("a non-negative integer or a placeholder")
			}
			s.Limit = &NumberLit{Text: p.tok.val}
			p.next()
		case tokQMark, tokNamed:
			s.Limit = p.parsePlaceholder()
		default:
			p.fail("a non-negative integer or a placeholder")
		}
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func (p *parser) parseInsert() Statement {
	p.expectKw(kwInsert)
	p.expectKw(kwInto)
	table, _ := p.parseTable(false)
	if p.tok.kind == tokLParen {
		return p.parseInsertValues(table)
	}
	if !p.isKw(kwValue) {
		p.fail("VALUE or a column list")
	}
	p.next()
	s := &InsertStmt{Table: table}
	switch p.tok.kind {
	case tokLBrace:
		s.Value = p.parseDoc()
	case tokQMark, tokNamed:
		s.Value = p.parsePlaceholder()
	default:
		p.fail("a document {...} or a placeholder")
	}
	return s
}

func (p *parser) parseInsertValues(table string) Statement {
	p.next() // (
	s := &InsertValuesStmt{Table: table}
	for {
		at, found := p.tok.pos, p.found()
		col := p.name("a column name")
		for _, c := range s.Columns {
			if c == col {
				p.failAt(at, found, "a column name not already listed")
			}
		}
		s.Columns = append(s.Columns, col)
		if p.tok.kind != tokComma {
			break
		}
		p.next()
	}
	p.expect(tokRParen, ", or )")
	if !p.isKw(kwValues) {
		p.fail("VALUES")
	}
	p.next()
	for {
		at := p.tok.pos
		p.expect(tokLParen, "(")
		row := make([]Expr, 0, len(s.Columns))
		for {
			row = append(row, p.parseExpr())
			if p.tok.kind != tokComma {
				break
			}
			p.next()
		}
		if len(row) != len(s.Columns) {
			p.failAt(at, "a row of "+plural(len(row), "value"),
				plural(len(s.Columns), "value")+", one per column")
		}
		p.expect(tokRParen, ", or )")
		s.Rows = append(s.Rows, row)
		if p.tok.kind != tokComma {
			break
		}
		p.next()
	}
	return s
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

func (p *parser) parseUpdate() Statement {
	p.expectKw(kwUpdate)
	s := &UpdateStmt{}
	s.Table, _ = p.parseTable(false)
	s.Actions = make([]UpdateAction, 0, 2)
	for {
		if p.isKw(kwSet) {
			p.next()
			for {
				a := UpdateAction{Path: p.parsePath("an attribute name or a path")}
				p.expect(tokEq, "=")
				a.Value = p.parseExpr()
				s.Actions = append(s.Actions, a)
				if p.tok.kind != tokComma {
					break
				}
				p.next()
			}
		} else if p.isKw(kwRemove) {
			p.next()
			for {
				s.Actions = append(s.Actions, UpdateAction{Remove: true, Path: p.parsePath("an attribute name or a path")})
				if p.tok.kind != tokComma {
					break
				}
				p.next()
			}
		} else {
			break
		}
	}
	if len(s.Actions) == 0 {
		p.fail("SET or REMOVE")
	}
	p.expectKw(kwWhere)
	s.Where = p.parseExpr()
	if p.isKw(kwReturning) {
		p.next()
		var modified bool
		switch {
		case p.isKw(kwAll):
		case p.isKw(kwModified):
			modified = true
		default:
			p.fail("ALL or MODIFIED")
		}
		p.next()
		var isNew bool
		switch {
		case p.isKw(kwOld):
		case p.isKw(kwNew):
			isNew = true
		default:
			p.fail("OLD or NEW")
		}
		p.next()
		p.expect(tokStar, "*")
		switch {
		case !modified && !isNew:
			s.Returning = ReturnAllOld
		case modified && !isNew:
			s.Returning = ReturnModifiedOld
		case !modified && isNew:
			s.Returning = ReturnAllNew
		default:
			s.Returning = ReturnModifiedNew
		}
	}
	return s
}

func (p *parser) parseDelete() Statement {
	p.expectKw(kwDelete)
	p.expectKw(kwFrom)
	s := &DeleteStmt{}
	s.Table, _ = p.parseTable(false)
	p.expectKw(kwWhere)
	s.Where = p.parseExpr()
	if p.isKw(kwReturning) {
		p.next()
		p.expectKw(kwAll)
		p.expectKw(kwOld)
		p.expect(tokStar, "*")
		s.Returning = ReturnAllOld
	}
	return s
}

// ---------------------------------------------------------------------------
// Paths and placeholders

func (p *parser) parsePath(expected string) *Path {
	if !p.isName() {
		p.fail(expected)
	}
	name := p.tok.val
	p.next()
	return p.parsePathRest(name)
}

// parsePathRest parses the .field, [index] and ['field'] steps after name.
func (p *parser) parsePathRest(name string) *Path {
	path := p.newPath(name)
	for {
		switch p.tok.kind {
		case tokDot:
			p.next()
			if p.tok.kind != tokIdent && p.tok.kind != tokQIdent {
				p.fail("an attribute name")
			}
			path.Steps = append(path.Steps, PathStep{Field: p.tok.val})
			p.next()
			continue
		case tokLBrack:
			p.next()
			switch p.tok.kind {
			case tokNumber:
				n, err := strconv.Atoi(p.tok.val)
				if err != nil || !allDigits(p.tok.val) || n > 1<<31-1 {
					p.fail("a list index")
				}
				path.Steps = append(path.Steps, PathStep{Index: n, IsIndex: true})
			case tokString:
				path.Steps = append(path.Steps, PathStep{Field: p.tok.val})
			default:
				p.fail("a list index")
			}
			p.next()
			p.expect(tokRBrack, "]")
			continue
		}
		return path
	}
}

func (p *parser) parsePlaceholder() *Placeholder {
	var ph *Placeholder
	if p.tok.kind == tokQMark {
		if p.named {
			p.fail("a :name placeholder (? and :name placeholders cannot be mixed)")
		}
		p.positional = true
		ph = p.phs.get(4)
	} else {
		if p.positional {
			p.fail("a ? placeholder (? and :name placeholders cannot be mixed)")
		}
		p.named = true
		ph = p.phs.get(4)
		ph.Name = p.tok.val
	}
	p.next()
	return ph
}

// ---------------------------------------------------------------------------
// Expressions, lowest precedence first

func (p *parser) parseExpr() Expr {
	x := p.parseAnd()
	for p.isKw(kwOr) {
		p.next()
		x = p.newBinary(OpOr, x, p.parseAnd())
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseNot()
	for p.isKw(kwAnd) {
		p.next()
		x = p.newBinary(OpAnd, x, p.parseNot())
	}
	return x
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail("an expression nested at most " + strconv.Itoa(maxDepth) + " levels deep")
	}
}

func (p *parser) parseNot() Expr {
	if p.isKw(kwNot) {
		p.enter()
		p.next()
		x := &UnaryExpr{Op: OpNot, X: p.parseNot()}
		p.depth--
		return x
	}
	return p.parsePredicate()
}

func (p *parser) parsePredicate() Expr {
	x := p.parseAdditive()
	var op BinaryOp
	switch p.tok.kind {
	case tokEq:
		op = OpEq
	case tokNe:
		op = OpNe
	case tokLt:
		op = OpLt
	case tokLe:
		op = OpLe
	case tokGt:
		op = OpGt
	case tokGe:
		op = OpGe
	case tokIdent:
		not := false
		switch p.tok.kw {
		case kwIs:
			p.next()
			e := &IsExpr{X: x}
			if p.isKw(kwNot) {
				e.Not = true
				p.next()
			}
			switch {
			case p.isKw(kwMissing):
				e.Missing = true
			case p.isKw(kwNull):
			default:
				p.fail("MISSING or NULL")
			}
			p.next()
			return e
		case kwNot:
			// x NOT IN / x NOT BETWEEN
			p.next()
			if !p.isKw(kwIn) && !p.isKw(kwBetween) {
				p.fail("IN or BETWEEN")
			}
			not = true
		}
		switch p.tok.kw {
		case kwIn:
			p.next()
			return &InExpr{X: x, Not: not, List: p.parseInList()}
		case kwBetween:
			p.next()
			lo := p.parseAdditive()
			p.expectKw(kwAnd)
			return &BetweenExpr{X: x, Not: not, Lo: lo, Hi: p.parseAdditive()}
		}
		return x
	default:
		return x
	}
	p.next()
	return p.newBinary(op, x, p.parseAdditive())
}

func (p *parser) parseInList() []Expr {
	var closer tokKind
	switch p.tok.kind {
	case tokLBrack:
		closer = tokRBrack
	case tokLParen:
		closer = tokRParen
	default:
		p.fail("[ or (")
	}
	p.next()
	list := make([]Expr, 0, 4)
	for {
		list = append(list, p.parseExpr())
		if p.tok.kind != tokComma {
			break
		}
		p.next()
	}
	if closer == tokRBrack {
		p.expect(closer, ", or ]")
	} else {
		p.expect(closer, ", or )")
	}
	return list
}

func (p *parser) parseAdditive() Expr {
	x := p.parseUnary()
	for {
		var op BinaryOp
		switch p.tok.kind {
		case tokPlus:
			op = OpAdd
		case tokMinus:
			op = OpSub
		default:
			return x
		}
		p.next()
		x = p.newBinary(op, x, p.parseUnary())
	}
}

func (p *parser) parseUnary() Expr {
	p.enter()
	x := p.parseUnary1()
	p.depth--
	return x
}

func (p *parser) parseUnary1() Expr {
	switch p.tok.kind {
	case tokMinus:
		p.next()
		if p.tok.kind == tokNumber {
			n := p.newNumber("-" + p.tok.val)
			p.next()
			return n
		}
		return &UnaryExpr{Op: OpNeg, X: p.parseUnary()}
	case tokPlus:
		p.next()
		if p.tok.kind != tokNumber {
			p.fail("a number")
		}
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() Expr {
	switch p.tok.kind {
	case tokNumber:
		n := p.newNumber(p.tok.val)
		p.next()
		return n
	case tokString:
		s := p.strs.get(4)
		s.Value = p.tok.val
		p.next()
		return s
	case tokQMark, tokNamed:
		return p.parsePlaceholder()
	case tokLParen:
		p.next()
		x := p.parseExpr()
		p.expect(tokRParen, ")")
		return x
	case tokLBrack:
		p.next()
		l := &ListLit{}
		if p.tok.kind != tokRBrack {
			l.Elems = p.parseExprList()
		}
		p.expect(tokRBrack, ", or ]")
		return l
	case tokLSet:
		p.next()
		s := &SetLit{}
		if p.tok.kind != tokRSet {
			s.Elems = p.parseExprList()
		}
		p.expect(tokRSet, ", or >>")
		return s
	case tokLBrace:
		return p.parseDoc()
	case tokQIdent:
		name := p.tok.val
		p.next()
		return p.parsePathRest(name)
	case tokIdent:
		switch p.tok.kw {
		case kwTrue, kwFalse:
			b := &BoolLit{Value: p.tok.kw == kwTrue}
			p.next()
			return b
		case kwNull:
			p.next()
			return &NullLit{}
		case kwMissing:
			p.next()
			return &MissingLit{}
		case kwExists:
			p.next()
			p.expect(tokLParen, "(")
			q := p.parseSelect(false)
			p.expect(tokRParen, ")")
			return &ExistsExpr{Query: q}
		}
		if !p.isName() {
			break
		}
		name := p.tok.val
		p.next()
		if p.tok.kind == tokLParen {
			p.next()
			c := &CallExpr{Name: name}
			if p.tok.kind != tokRParen {
				c.Args = p.parseExprList()
			}
			p.expect(tokRParen, ", or )")
			return c
		}
		return p.parsePathRest(name)
	}
	p.fail("an expression")
	return nil
}

func (p *parser) parseExprList() []Expr {
	list := make([]Expr, 0, 4)
	for {
		list = append(list, p.parseExpr())
		if p.tok.kind != tokComma {
			return list
		}
		p.next()
	}
}

func (p *parser) parseDoc() *DocLit {
	p.expect(tokLBrace, "{")
	d := &DocLit{}
	if p.tok.kind == tokRBrace {
		p.next()
		return d
	}
	for {
		if p.tok.kind != tokString {
			p.fail("a document key (a 'string')")
		}
		key := p.tok.val
		p.next()
		switch p.tok.kind {
		case tokColon:
			p.next()
		case tokNamed:
			// {'k':v} lexes the value as the placeholder ":v": the colon is
			// the separator, so scan again just after it.
			p.lex.pos = p.tok.pos + 1
			p.next()
		default:
			p.fail(":")
		}
		d.Fields = append(d.Fields, DocField{Key: key, Value: p.parseExpr()})
		if p.tok.kind != tokComma {
			break
		}
		p.next()
	}
	p.expect(tokRBrace, ", or }")
	return d
}
