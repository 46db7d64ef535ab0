import Engine
import Data
import Plots
// The Shell layer: lexer, parser, interpreter, commands. (Filled in by the language work.)
