// Package render owns what the tool shows a person on a terminal, and the
// one way it says things about itself:
//
//   - the views of a record: a delivery's pretty block (Pretty, in --body
//     compact, full or none), an exec run's block (PrettyExec), and
//     colour-JSON, used by listen and by anything else that prints a
//     delivery;
//   - Escape, which every view runs client bytes through, so no control
//     character, bidirectional control or invalid byte a client chose
//     reaches the terminal raw;
//   - the Palette (colour is decided by the caller and passed in, so output
//     is deterministic in tests), and small formats: durations, excerpts of
//     bodies someone else sent;
//   - Diag, the writer of diagnostics (errors, warnings, hints, notes) behind
//     the "webhook-tool:" prefix, handed to the code that needs to say
//     something on stderr.
//
// Sizes (ParseSize, FormatSize) are the input package's: it reads them.
package render
