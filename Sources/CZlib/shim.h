#ifndef NNSH_ZLIB_SHIM_H
#define NNSH_ZLIB_SHIM_H
#include <zlib.h>
#endif
