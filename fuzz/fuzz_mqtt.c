// SPDX-License-Identifier: MIT
/*
 * fuzz_mqtt.c - the MQTT parsers (probe/p_misc.c): the CONNACK classifier and the
 * packet walker that finds the retained PUBLISH of $SYS/broker/version (variable-length
 * remaining lengths, topic lengths, QoS packet ids) and SUBACK grants. Checks: product,
 * version and info stay NUL-terminated, nothing reads past the input (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_service svc;

	pli_service_init(&svc);
	pli_mqtt_sys_version(data, size, &svc);
	if (!memchr(svc.version, '\0', sizeof(svc.version)) ||
	    !memchr(svc.info, '\0', sizeof(svc.info)))
		abort();
	pli_service_init(&svc);
	pl_probe_mqtt.classify(NULL, data, size, &svc);
	return 0;
}
