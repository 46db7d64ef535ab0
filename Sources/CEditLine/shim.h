#ifndef NNSH_EDITLINE_SHIM_H
#define NNSH_EDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>
#endif
