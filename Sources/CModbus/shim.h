#ifndef PROGNOS_CMODBUS_SHIM_H
#define PROGNOS_CMODBUS_SHIM_H
#include <modbus/modbus.h>
#include <errno.h>

/// errno is a macro on glibc; Swift reads it through this accessor.
static inline int cmodbus_errno(void) { return errno; }
#endif
