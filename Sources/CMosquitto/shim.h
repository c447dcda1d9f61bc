#ifndef PROGNOS_CMOSQUITTO_SHIM_H
#define PROGNOS_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif
