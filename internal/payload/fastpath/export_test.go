package fastpath

// For the external tests: the hand-written GUID check and the pattern it
// stands for.
var IsGUID = isGUID

const GUIDPattern = guidPattern

// QuickFormats are the hand-written format checks by name.
var QuickFormats = quickFormats

// StringStops is the parser's word test for the end of a run of plain
// string bytes.
var StringStops = stringStops

// NameSlotInput and NameSlotInputAt are the name tables' slot inputs: of a
// string, and of bytes of a text read with one load.
var (
	NameSlotInput   = nameSlotInput[[]byte]
	NameSlotInputAt = nameSlotInputAt
)
