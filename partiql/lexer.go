package partiql

import "strings"

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tokEOF     tokKind = iota
	tokIllegal         // val describes the problem
	tokIdent           // unquoted word; kw holds its keyword, if any
	tokQIdent          // "double-quoted identifier"; val is unescaped
	tokString          // 'string'; val is unescaped
	tokNumber          // val is the text
	tokQMark           // ?
	tokNamed           // :name; val is the name
	tokLParen          // (
	tokRParen          // )
	tokLBrack          // [
	tokRBrack          // ]
	tokLBrace          // {
	tokRBrace          // }
	tokLSet            // <<
	tokRSet            // >>
	tokComma           // ,
	tokDot             // .
	tokSemi            // ;
	tokColon           // :
	tokStar            // *
	tokEq              // =
	tokNe              // <> or !=
	tokLt              // <
	tokLe              // <=
	tokGt              // >
	tokGe              // >=
	tokPlus            // +
	tokMinus           // -
)

// keyword identifies the grammar's keywords. kwNone is any other word.
type keyword uint8

const (
	kwNone keyword = iota
	kwAll
	kwAnd
	kwAsc
	kwBetween
	kwBy
	kwDelete
	kwDesc
	kwExists
	kwFalse
	kwFrom
	kwIn
	kwInsert
	kwInto
	kwIs
	kwLimit
	kwMissing
	kwModified
	kwNew
	kwNot
	kwNull
	kwOld
	kwOr
	kwOrder
	kwRemove
	kwReturning
	kwSelect
	kwSet
	kwTrue
	kwUpdate
	kwValue
	kwValues
	kwWhere
)

var keywordText = [...]string{
	kwNone: "", kwAll: "ALL", kwAnd: "AND", kwAsc: "ASC", kwBetween: "BETWEEN", kwBy: "BY",
	kwDelete: "DELETE", kwDesc: "DESC", kwExists: "EXISTS", kwFalse: "FALSE", kwFrom: "FROM",
	kwIn: "IN", kwInsert: "INSERT", kwInto: "INTO", kwIs: "IS", kwLimit: "LIMIT",
	kwMissing: "MISSING", kwModified: "MODIFIED", kwNew: "NEW", kwNot: "NOT", kwNull: "NULL",
	kwOld: "OLD", kwOr: "OR", kwOrder: "ORDER", kwRemove: "REMOVE", kwReturning: "RETURNING",
	kwSelect: "SELECT", kwSet: "SET", kwTrue: "TRUE", kwUpdate: "UPDATE", kwValue: "VALUE",
	kwValues: "VALUES", kwWhere: "WHERE",
}

// softKeyword reports whether k may still be used, unquoted, as an attribute
// name: the keywords that are not DynamoDB reserved words.
func softKeyword(k keyword) bool { return k == kwModified || k == kwRemove }

// lookupKeyword returns the keyword spelled by word, in any case.
func lookupKeyword(word string) keyword {
	n := len(word)
	if n < 2 || n > 9 {
		return kwNone
	}
	// Dispatch on the upper-cased first letter, then compare folded.
	switch word[0] | 0x20 {
	case 'a':
		return pick(word, kwAll, kwAnd, kwAsc)
	case 'b':
		return pick(word, kwBetween, kwBy)
	case 'd':
		return pick(word, kwDelete, kwDesc)
	case 'e':
		return pick(word, kwExists)
	case 'f':
		return pick(word, kwFalse, kwFrom)
	case 'i':
		return pick(word, kwIn, kwInsert, kwInto, kwIs)
	case 'l':
		return pick(word, kwLimit)
	case 'm':
		return pick(word, kwMissing, kwModified)
	case 'n':
		return pick(word, kwNew, kwNot, kwNull)
	case 'o':
		return pick(word, kwOld, kwOr, kwOrder)
	case 'r':
		return pick(word, kwRemove, kwReturning)
	case 's':
		return pick(word, kwSelect, kwSet)
	case 't':
		return pick(word, kwTrue)
	case 'u':
		return pick(word, kwUpdate)
	case 'v':
		return pick(word, kwValue, kwValues)
	case 'w':
		return pick(word, kwWhere)
	}
	return kwNone
}

func pick(word string, kws ...keyword) keyword {
	for _, k := range kws {
		if equalFoldASCII(word, keywordText[k]) {
			return k
		}
	}
	return kwNone
}

// equalFoldASCII compares word with upper, which is upper-case ASCII.
func equalFoldASCII(word, upper string) bool {
	if len(word) != len(upper) {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

type token struct {
	kind tokKind
	kw   keyword
	pos  int // byte offset of the first byte
	end  int // byte offset after the last byte
	val  string
}

type lexer struct {
	src string
	pos int
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || ('0' <= c && c <= '9')
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipSpace skips white space and comments. It returns false with the offset
// of an unterminated block comment.
func (l *lexer) skipSpace() (ok bool, at int) {
	s := l.src
	i := l.pos
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			j := strings.IndexByte(s[i+2:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += 2 + j + 1
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				l.pos = len(s)
				return false, i
			}
			i += 2 + j + 2
		default:
			l.pos = i
			return true, 0
		}
	}
	l.pos = i
	return true, 0
}

// next scans the next token.
func (l *lexer) next() token {
	if ok, at := l.skipSpace(); !ok {
		return token{kind: tokIllegal, pos: at, end: len(l.src), val: "unterminated comment"}
	}
	s := l.src
	start := l.pos
	if start >= len(s) {
		return token{kind: tokEOF, pos: start, end: start}
	}
	c := s[start]
	t := token{pos: start}
	i := start + 1
	switch {
	case isIdentStart(c):
		for i < len(s) && isIdentChar(s[i]) {
			i++
		}
		t.kind = tokIdent
		t.val = s[start:i]
		t.kw = lookupKeyword(t.val)
	case isDigit(c) || (c == '.' && i < len(s) && isDigit(s[i])):
		i = l.scanNumber(start)
		t.kind = tokNumber
		t.val = s[start:i]
		if i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
			for i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
				i++
			}
			t.kind = tokIllegal
			t.val = "invalid number " + quoteFound(s[start:i])
		}
	case c == '\'':
		t.kind, t.val, i = scanQuoted(s, start, '\'')
		if t.kind == tokIllegal {
			t.val = "unterminated string"
		} else {
			t.kind = tokString
		}
	case c == '"':
		t.kind, t.val, i = scanQuoted(s, start, '"')
		if t.kind == tokIllegal {
			t.val = "unterminated quoted identifier"
		} else if t.val == "" {
			t.kind = tokIllegal
			t.val = "empty quoted identifier"
		} else {
			t.kind = tokQIdent
		}
	case c == ':' && i < len(s) && isIdentChar(s[i]):
		for i < len(s) && isIdentChar(s[i]) {
			i++
		}
		t.kind = tokNamed
		t.val = s[start+1 : i]
	default:
		t.kind = tokIllegal
		switch c {
		case '?':
			t.kind = tokQMark
		case '(':
			t.kind = tokLParen
		case ')':
			t.kind = tokRParen
		case '[':
			t.kind = tokLBrack
		case ']':
			t.kind = tokRBrack
		case '{':
			t.kind = tokLBrace
		case '}':
			t.kind = tokRBrace
		case ',':
			t.kind = tokComma
		case '.':
			t.kind = tokDot
		case ';':
			t.kind = tokSemi
		case ':':
			t.kind = tokColon
		case '*':
			t.kind = tokStar
		case '=':
			t.kind = tokEq
		case '+':
			t.kind = tokPlus
		case '-':
			t.kind = tokMinus
		case '!':
			if i < len(s) && s[i] == '=' {
				t.kind = tokNe
				i++
			}
		case '<':
			t.kind = tokLt
			if i < len(s) {
				switch s[i] {
				case '=':
					t.kind = tokLe
					i++
				case '>':
					t.kind = tokNe
					i++
				case '<':
					t.kind = tokLSet
					i++
				}
			}
		case '>':
			t.kind = tokGt
			if i < len(s) {
				switch s[i] {
				case '=':
					t.kind = tokGe
					i++
				case '>':
					t.kind = tokRSet
					i++
				}
			}
		}
		if t.kind == tokIllegal {
			// Report the whole (possibly multi-byte) character.
			j := i
			for j < len(s) && s[j]&0xC0 == 0x80 {
				j++
			}
			i = j
			t.val = quoteFound(s[start:i])
		}
	}
	t.end = i
	l.pos = i
	return t
}

// scanNumber scans digits [. digits] [e [+-] digits] or . digits [exp].
func (l *lexer) scanNumber(start int) int {
	s := l.src
	i := start
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// scanQuoted scans a literal quoted by q in which qq stands for q. It returns
// tokIllegal when the closing quote is missing.
func scanQuoted(s string, start int, q byte) (tokKind, string, int) {
	i := start + 1
	escaped := false
	for {
		j := strings.IndexByte(s[i:], q)
		if j < 0 {
			return tokIllegal, "", len(s)
		}
		i += j + 1
		if i < len(s) && s[i] == q {
			escaped = true
			i++
			continue
		}
		break
	}
	body := s[start+1 : i-1]
	if escaped {
		body = strings.ReplaceAll(body, string([]byte{q, q}), string([]byte{q}))
	}
	return tokString, body, i
}

// quoteFound renders source text for SyntaxError.Found.
func quoteFound(text string) string {
	const max = 40
	if len(text) > max {
		cut := max
		for cut > 0 && text[cut]&0xC0 == 0x80 {
			cut--
		}
		text = text[:cut] + "..."
	}
	var b strings.Builder
	b.Grow(len(text) + 2)
	b.WriteByte('"')
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
