package partiql

import (
	"strconv"
	"strings"
)

// printer writes canonical PartiQL. In compile mode it also numbers the
// placeholders, prints named ones as ?, leaves LIMIT out and checks what
// DynamoDB would reject (see compile.go); the first problem is kept in err.
type printer struct {
	b       strings.Builder
	compile bool
	c       *compiler // compile mode only
}

// Precedence levels, lowest first.
const (
	precOr = iota + 1
	precAnd
	precNot
	precPred // comparisons, IN, BETWEEN, IS
	precAdd
	precUnary
	precPrimary
)

func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		switch e.Op {
		case OpOr:
			return precOr
		case OpAnd:
			return precAnd
		case OpAdd, OpSub:
			return precAdd
		}
		return precPred
	case *UnaryExpr:
		if e.Op == OpNot {
			return precNot
		}
		return precUnary
	case *InExpr, *BetweenExpr, *IsExpr:
		return precPred
	}
	return precPrimary
}

func nodeString(n Node) string {
	var p printer
	p.b.Grow(64)
	switch n := n.(type) {
	case Statement:
		p.stmt(n)
	case Expr:
		p.expr(n, precOr)
	}
	return p.b.String()
}

func (p *printer) stmt(s Statement) {
	switch s := s.(type) {
	case *SelectStmt:
		p.selectStmt(s)
	case *InsertStmt:
		p.b.WriteString("INSERT INTO ")
		p.table(s.Table)
		p.b.WriteString(" VALUE ")
		p.value(s.Value)
	case *InsertValuesStmt:
		p.b.WriteString("INSERT INTO ")
		p.table(s.Table)
		p.b.WriteString(" (")
		for i, c := range s.Columns {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.ident(c)
		}
		p.b.WriteString(") VALUES ")
		for i, row := range s.Rows {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.b.WriteByte('(')
			for j, e := range row {
				if j > 0 {
					p.b.WriteString(", ")
				}
				p.value(e)
			}
			p.b.WriteByte(')')
		}
	case *UpdateStmt:
		p.b.WriteString("UPDATE ")
		p.table(s.Table)
		for _, a := range s.Actions {
			if a.Remove {
				p.b.WriteString(" REMOVE ")
				p.path(a.Path)
				continue
			}
			p.b.WriteString(" SET ")
			p.path(a.Path)
			p.b.WriteString(" = ")
			p.setValue(a.Value)
		}
		p.where(s.Where)
		p.returning(s.Returning)
	case *DeleteStmt:
		p.b.WriteString("DELETE FROM ")
		p.table(s.Table)
		p.where(s.Where)
		p.returning(s.Returning)
	case *ExistsStmt:
		p.b.WriteString("EXISTS(")
		if s.Query != nil {
			p.selectStmt(s.Query)
		}
		p.b.WriteByte(')')
	}
}

func (p *printer) selectStmt(s *SelectStmt) {
	p.b.WriteString("SELECT ")
	if s.Projection == nil {
		p.b.WriteByte('*')
	}
	for i, path := range s.Projection {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.path(path)
	}
	p.b.WriteString(" FROM ")
	p.table(s.Table)
	if s.Index != "" {
		p.b.WriteByte('.')
		p.quoted(s.Index)
	}
	p.where(s.Where)
	for i, o := range s.OrderBy {
		if i == 0 {
			p.b.WriteString(" ORDER BY ")
		} else {
			p.b.WriteString(", ")
		}
		p.path(o.Path)
		if o.Desc {
			p.b.WriteString(" DESC")
		}
	}
	if s.Limit != nil && !p.compile {
		p.b.WriteString(" LIMIT ")
		p.expr(s.Limit, precPrimary)
	}
}

func (p *printer) where(e Expr) {
	if e == nil {
		return
	}
	p.b.WriteString(" WHERE ")
	if p.compile {
		p.c.ctx = ctxWhere
	}
	p.expr(e, precOr)
}

func (p *printer) setValue(e Expr) {
	if p.compile {
		p.c.ctx = ctxSet
	}
	p.expr(e, precOr)
}

func (p *printer) value(e Expr) {
	if p.compile {
		p.c.ctx = ctxValue
	}
	p.expr(e, precOr)
}

func (p *printer) returning(r Returning) {
	if r != ReturnNone {
		p.b.WriteString(" RETURNING ")
		p.b.WriteString(r.String())
	}
}

// table prints a table name, always double-quoted.
func (p *printer) table(name string) { p.quoted(name) }

func (p *printer) quoted(name string) {
	p.b.WriteByte('"')
	if strings.IndexByte(name, '"') < 0 {
		p.b.WriteString(name)
	} else {
		p.b.WriteString(strings.ReplaceAll(name, `"`, `""`))
	}
	p.b.WriteByte('"')
}

// ident prints an attribute name, always double-quoted: DynamoDB's parser
// is PartiQL's, which rejects unquoted PartiQL keywords that are not on
// DynamoDB's reserved-word list (REMOVE, MODIFIED, PIVOT, LET, BAG, ...), so
// quoting every name is the one style that never fails.
func (p *printer) ident(name string) { p.quoted(name) }

func (p *printer) path(path *Path) {
	if path == nil {
		p.b.WriteString(`""`)
		return
	}
	p.ident(path.Name)
	for _, s := range path.Steps {
		if s.IsIndex {
			p.b.WriteByte('[')
			p.b.WriteString(strconv.Itoa(s.Index))
			p.b.WriteByte(']')
		} else if s.Field == "" {
			p.b.WriteString("['']") // "" is not a valid quoted identifier
		} else {
			p.b.WriteByte('.')
			p.ident(s.Field)
		}
	}
}

func (p *printer) str(s string) {
	p.b.WriteByte('\'')
	if strings.IndexByte(s, '\'') < 0 {
		p.b.WriteString(s)
	} else {
		p.b.WriteString(strings.ReplaceAll(s, "'", "''"))
	}
	p.b.WriteByte('\'')
}

func (p *printer) list(elems []Expr) {
	for i, e := range elems {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.expr(e, precOr)
	}
}

// expr prints e, in parentheses when it binds more loosely than min.
func (p *printer) expr(e Expr, min int) {
	if e == nil {
		p.b.WriteString("NULL")
		if p.compile {
			p.c.fail("missing expression")
		}
		return
	}
	prec := exprPrec(e)
	if prec < min {
		p.b.WriteByte('(')
		defer p.b.WriteByte(')')
	}
	if p.compile {
		p.c.check(e)
	}
	switch e := e.(type) {
	case *Path:
		p.path(e)
	case *Placeholder:
		if p.compile {
			p.c.placeholder(e)
			p.b.WriteByte('?')
		} else if e.Name == "" {
			p.b.WriteByte('?')
		} else {
			p.b.WriteByte(':')
			p.b.WriteString(e.Name)
		}
	case *StringLit:
		p.str(e.Value)
	case *NumberLit:
		p.b.WriteString(e.Text)
	case *BoolLit:
		if e.Value {
			p.b.WriteString("TRUE")
		} else {
			p.b.WriteString("FALSE")
		}
	case *NullLit:
		p.b.WriteString("NULL")
	case *MissingLit:
		p.b.WriteString("MISSING")
	case *DocLit:
		p.b.WriteByte('{')
		for i, f := range e.Fields {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.str(f.Key)
			p.b.WriteString(": ")
			p.expr(f.Value, precOr)
		}
		p.b.WriteByte('}')
	case *ListLit:
		p.b.WriteByte('[')
		p.list(e.Elems)
		p.b.WriteByte(']')
	case *SetLit:
		p.b.WriteString("<<")
		p.list(e.Elems)
		p.b.WriteString(">>")
	case *BinaryExpr:
		switch e.Op {
		case OpOr, OpAnd, OpAdd, OpSub: // left-associative
			p.expr(e.L, prec)
			p.b.WriteByte(' ')
			p.b.WriteString(e.Op.String())
			p.b.WriteByte(' ')
			p.expr(e.R, prec+1)
		default: // comparisons do not chain
			p.expr(e.L, precAdd)
			p.b.WriteByte(' ')
			p.b.WriteString(e.Op.String())
			p.b.WriteByte(' ')
			p.expr(e.R, precAdd)
		}
	case *UnaryExpr:
		if e.Op == OpNot {
			p.b.WriteString("NOT ")
			p.expr(e.X, precNot)
			break
		}
		p.b.WriteByte('-')
		if _, isNum := e.X.(*NumberLit); isNum {
			// -(5): a bare -5 would read back as the literal -5.
			p.b.WriteByte('(')
			p.expr(e.X, precOr)
			p.b.WriteByte(')')
			break
		}
		p.expr(e.X, precPrimary)
	case *InExpr:
		p.expr(e.X, precAdd)
		if e.Not {
			p.b.WriteString(" NOT IN [")
		} else {
			p.b.WriteString(" IN [")
		}
		p.list(e.List)
		p.b.WriteByte(']')
	case *BetweenExpr:
		p.expr(e.X, precAdd)
		if e.Not {
			p.b.WriteString(" NOT BETWEEN ")
		} else {
			p.b.WriteString(" BETWEEN ")
		}
		p.expr(e.Lo, precAdd)
		p.b.WriteString(" AND ")
		p.expr(e.Hi, precAdd)
	case *IsExpr:
		p.expr(e.X, precAdd)
		p.b.WriteString(" IS ")
		if e.Not {
			p.b.WriteString("NOT ")
		}
		if e.Missing {
			p.b.WriteString("MISSING")
		} else {
			p.b.WriteString("NULL")
		}
	case *CallExpr:
		p.b.WriteString(e.Name)
		p.b.WriteByte('(')
		p.list(e.Args)
		p.b.WriteByte(')')
	case *ExistsExpr:
		p.b.WriteString("EXISTS(")
		if e.Query != nil {
			p.selectStmt(e.Query)
		}
		p.b.WriteByte(')')
	}
}

// String methods: canonical PartiQL, extensions included.

func (s *SelectStmt) String() string       { return nodeString(s) }
func (s *InsertStmt) String() string       { return nodeString(s) }
func (s *InsertValuesStmt) String() string { return nodeString(s) }
func (s *UpdateStmt) String() string       { return nodeString(s) }
func (s *DeleteStmt) String() string       { return nodeString(s) }
func (s *ExistsStmt) String() string       { return nodeString(s) }
func (e *Path) String() string             { return nodeString(e) }
func (e *Placeholder) String() string      { return nodeString(e) }
func (e *StringLit) String() string        { return nodeString(e) }
func (e *NumberLit) String() string        { return nodeString(e) }
func (e *BoolLit) String() string          { return nodeString(e) }
func (e *NullLit) String() string          { return nodeString(e) }
func (e *MissingLit) String() string       { return nodeString(e) }
func (e *DocLit) String() string           { return nodeString(e) }
func (e *ListLit) String() string          { return nodeString(e) }
func (e *SetLit) String() string           { return nodeString(e) }
func (e *BinaryExpr) String() string       { return nodeString(e) }
func (e *UnaryExpr) String() string        { return nodeString(e) }
func (e *InExpr) String() string           { return nodeString(e) }
func (e *BetweenExpr) String() string      { return nodeString(e) }
func (e *IsExpr) String() string           { return nodeString(e) }
func (e *CallExpr) String() string         { return nodeString(e) }
func (e *ExistsExpr) String() string       { return nodeString(e) }
