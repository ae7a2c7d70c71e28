package fastpath

// For the external tests: the hand-written GUID check and the pattern it
// stands for.
var IsGUID = isGUID

const GUIDPattern = guidPattern
