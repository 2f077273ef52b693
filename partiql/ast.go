package partiql

// Node is any element of the syntax tree. String prints it as canonical
// PartiQL (driver extensions included) that parses back to an equal tree.
type Node interface {
	String() string
}

// Statement is the root of a parsed statement: *SelectStmt, *InsertStmt,
// *InsertValuesStmt, *UpdateStmt, *DeleteStmt or *ExistsStmt.
type Statement interface {
	Node
	statementNode()
}

// Expr is an expression: *Path, *Placeholder, *StringLit, *NumberLit,
// *BoolLit, *NullLit, *MissingLit, *DocLit, *ListLit, *SetLit, *BinaryExpr,
// *UnaryExpr, *InExpr, *BetweenExpr, *IsExpr, *CallExpr or *ExistsExpr.
type Expr interface {
	Node
	exprNode()
}

// ---------------------------------------------------------------------------
// Statements

// SelectStmt is SELECT projection FROM table[.index] [WHERE] [ORDER BY] [LIMIT].
type SelectStmt struct {
	Projection []*Path // nil for SELECT *
	Table      string  // unquoted table name
	Index      string  // "" unless FROM "t"."index"
	Where      Expr    // nil when absent
	OrderBy    []OrderItem
	Limit      Expr // nil, *NumberLit or *Placeholder (driver extension)
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Path *Path
	Desc bool
}

// InsertStmt is INSERT INTO table VALUE value, where value is a *DocLit or a
// *Placeholder.
type InsertStmt struct {
	Table string
	Value Expr
}

// InsertValuesStmt is the SQL-style extension
// INSERT INTO table (col, ...) VALUES (expr, ...)[, (...)].
type InsertValuesStmt struct {
	Table   string
	Columns []string
	Rows    [][]Expr
}

// UpdateStmt is UPDATE table SET/REMOVE ... WHERE ... [RETURNING ...].
type UpdateStmt struct {
	Table     string
	Actions   []UpdateAction
	Where     Expr
	Returning Returning
}

// UpdateAction is one SET path = value or REMOVE path.
type UpdateAction struct {
	Remove bool
	Path   *Path
	Value  Expr // nil for REMOVE
}

// DeleteStmt is DELETE FROM table WHERE ... [RETURNING ALL OLD *].
type DeleteStmt struct {
	Table     string
	Where     Expr
	Returning Returning
}

// ExistsStmt is EXISTS(SELECT ...) used as a statement: a condition check in a
// transaction.
type ExistsStmt struct {
	Query *SelectStmt
}

// Returning is the RETURNING clause of UPDATE and DELETE.
type Returning int

// RETURNING variants.
const (
	ReturnNone Returning = iota
	ReturnAllOld
	ReturnModifiedOld
	ReturnAllNew
	ReturnModifiedNew
)

// String returns the clause text without the RETURNING keyword, e.g. "ALL OLD *".
func (r Returning) String() string {
	switch r {
	case ReturnAllOld:
		return "ALL OLD *"
	case ReturnModifiedOld:
		return "MODIFIED OLD *"
	case ReturnAllNew:
		return "ALL NEW *"
	case ReturnModifiedNew:
		return "MODIFIED NEW *"
	}
	return ""
}

func (*SelectStmt) statementNode()       {}
func (*InsertStmt) statementNode()       {}
func (*InsertValuesStmt) statementNode() {}
func (*UpdateStmt) statementNode()       {}
func (*DeleteStmt) statementNode()       {}
func (*ExistsStmt) statementNode()       {}

// ---------------------------------------------------------------------------
// Expressions

// Path is an attribute path: Name followed by .field and [index] steps.
type Path struct {
	Name  string
	Steps []PathStep // nil for a plain attribute name
}

// PathStep is .Field (when !IsIndex) or [Index].
type PathStep struct {
	Field   string
	Index   int
	IsIndex bool
}

// Placeholder is ? (Name == "") or the named extension :Name.
type Placeholder struct {
	Name string
}

// StringLit is a single-quoted string; Value is unescaped.
type StringLit struct {
	Value string
}

// NumberLit is a number as written (without sign): 12, 1.5, 2e10, .5.
type NumberLit struct {
	Text string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Value bool
}

// NullLit is NULL.
type NullLit struct{}

// MissingLit is MISSING.
type MissingLit struct{}

// DocLit is a document {'k': v, ...}.
type DocLit struct {
	Fields []DocField
}

// DocField is one key/value pair of a document.
type DocField struct {
	Key   string
	Value Expr
}

// ListLit is a list [v, ...].
type ListLit struct {
	Elems []Expr
}

// SetLit is a set <<v, ...>>.
type SetLit struct {
	Elems []Expr
}

// BinaryOp is a binary operator.
type BinaryOp int

// Binary operators, grouped by precedence (lowest first).
const (
	OpOr BinaryOp = iota + 1
	OpAnd
	OpEq
	OpNe // <> and !=
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
)

var binaryOpText = [...]string{"", "OR", "AND", "=", "<>", "<", "<=", ">", ">=", "+", "-"}

// String returns the operator's text.
func (op BinaryOp) String() string {
	if op > 0 && int(op) < len(binaryOpText) {
		return binaryOpText[op]
	}
	return "?op?"
}

// BinaryExpr is L Op R.
type BinaryExpr struct {
	Op   BinaryOp
	L, R Expr
}

// UnaryOp is a prefix operator.
type UnaryOp int

// Unary operators.
const (
	OpNot UnaryOp = iota + 1
	OpNeg
)

// UnaryExpr is NOT X or -X.
type UnaryExpr struct {
	Op UnaryOp
	X  Expr
}

// InExpr is X [NOT] IN [a, b, ...].
type InExpr struct {
	X    Expr
	Not  bool
	List []Expr
}

// BetweenExpr is X [NOT] BETWEEN Lo AND Hi.
type BetweenExpr struct {
	X      Expr
	Not    bool
	Lo, Hi Expr
}

// IsExpr is X IS [NOT] MISSING or X IS [NOT] NULL.
type IsExpr struct {
	X       Expr
	Not     bool
	Missing bool // MISSING when true, NULL when false
}

// CallExpr is a function call such as begins_with(a, 'x'). Name is as written.
type CallExpr struct {
	Name string
	Args []Expr
}

// ExistsExpr is EXISTS(SELECT ...) inside an expression.
type ExistsExpr struct {
	Query *SelectStmt
}

func (*Path) exprNode()        {}
func (*Placeholder) exprNode() {}
func (*StringLit) exprNode()   {}
func (*NumberLit) exprNode()   {}
func (*BoolLit) exprNode()     {}
func (*NullLit) exprNode()     {}
func (*MissingLit) exprNode()  {}
func (*DocLit) exprNode()      {}
func (*ListLit) exprNode()     {}
func (*SetLit) exprNode()      {}
func (*BinaryExpr) exprNode()  {}
func (*UnaryExpr) exprNode()   {}
func (*InExpr) exprNode()      {}
func (*BetweenExpr) exprNode() {}
func (*IsExpr) exprNode()      {}
func (*CallExpr) exprNode()    {}
func (*ExistsExpr) exprNode()  {}
