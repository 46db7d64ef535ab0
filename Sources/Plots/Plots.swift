// The Plots layer: pictures of numbers, as text.
//
// Every type here takes plain numbers and strings and returns a `String`: terminal text (Unicode
// braille and block characters, with ANSI colour only when the caller allows it) or SVG text
// that opens in any browser. Nothing here prints, reads the terminal or touches files; the caller
// decides width, height and whether colour is allowed (a terminal that is a TTY without NO_COLOR).
//
//   LineChart  — several named series (lines or points), axes, ticks, legend, optional log y.
//   Heatmap    — a grid of values with a colour scale, row/column labels, values in cells.
//   ImageGrid  — small greyscale images with captions (misclassified digits).
//   Table      — a results table as CSV or aligned text.
