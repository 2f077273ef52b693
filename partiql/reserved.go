package partiql

// IsReserved reports whether word, in any case, is one of DynamoDB's 573
// reserved words or one of the PartiQL keywords that DynamoDB's parser also
// rejects as an unquoted name (BAG, LET, MODIFIED, PIVOT, REMOVE, ...). Such
// a name must be double-quoted. (The printer double-quotes every name.)
func IsReserved(word string) bool { return isReserved(word) || isPartiQLKeyword(word) }

// partiqlKeywords are PartiQL keywords missing from DynamoDB's reserved-word
// list that DynamoDB Local 1.25 rejects unquoted ("Statement wasn't well
// formed"), found by trying each PartiQL keyword as a projection.
var partiqlKeywords = [...]string{
	"BAG", "BIT_LENGTH", "BOOL", "CHARACTER_LENGTH", "CHAR_LENGTH", "CURRENT_DATE",
	"CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DATE_ADD", "DATE_DIFF", "LET",
	"MODIFIED", "NOTHING", "OCTET_LENGTH", "PIVOT", "REMOVE", "SESSION_USER", "SEXP",
	"SYMBOL", "SYSTEM_USER", "UNPIVOT",
}

func isPartiQLKeyword(word string) bool {
	for _, k := range partiqlKeywords {
		if equalFoldASCII(word, k) {
			return true
		}
	}
	return false
}

// maxReservedLen is the length of the longest reserved word.
const maxReservedLen = 16

// isReserved binary-searches the sorted upper-case table without allocating.
func isReserved(word string) bool {
	n := len(word)
	if n == 0 || n > maxReservedLen {
		return false
	}
	var buf [maxReservedLen]byte
	for i := 0; i < n; i++ {
		c := word[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	up := buf[:n]
	if up[0] < 'A' || up[0] > 'Z' {
		return false
	}
	// Search only the words with the same first letter.
	lo, hi := int(reservedIndex[up[0]-'A']), int(reservedIndex[up[0]-'A'+1])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch cmpUpper(reservedWords[mid], up) {
		case 0:
			return true
		case -1:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return false
}

// reservedIndex[i] is the position of the first word starting with 'A'+i;
// reservedIndex[26] is len(reservedWords).
var reservedIndex = func() (idx [27]uint16) {
	i := 0
	for c := 0; c < 26; c++ {
		idx[c] = uint16(i)
		for i < len(reservedWords) && reservedWords[i][0] == byte('A'+c) {
			i++
		}
	}
	idx[26] = uint16(len(reservedWords))
	return idx
}()

func cmpUpper(a string, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
