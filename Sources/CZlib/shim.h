#ifndef PROGNOS_CZLIB_SHIM_H
#define PROGNOS_CZLIB_SHIM_H
#include <zlib.h>
#endif
