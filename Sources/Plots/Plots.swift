// The Plots layer: terminal charts and SVG files. (Filled in by the views work.)
