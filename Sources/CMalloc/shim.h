#ifndef PROGNOS_CMALLOC_SHIM_H
#define PROGNOS_CMALLOC_SHIM_H
#include <malloc.h>
#endif
