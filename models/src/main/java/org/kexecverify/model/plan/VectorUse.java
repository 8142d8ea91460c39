package org.kexecverify.model.plan;

/** An exception the phase's code takes on purpose: the vector offset and why (e.g. 0x400, "hvc #0 HVC_SOFT_RESTART"). */
public record VectorUse(int offset, String why) {}
