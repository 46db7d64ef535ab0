import Engine
// The Data layer: datasets and their readers. (Filled in by the data work.)
