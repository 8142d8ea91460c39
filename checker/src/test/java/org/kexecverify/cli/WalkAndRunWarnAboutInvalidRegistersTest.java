package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * walk and run validate the scenario's registers as check's REGISTERS_VALID does and say so on stderr: rfc-v2-el2h
 * (TTBR0_EL2 beyond the 32-bit IPS of the VHE TCR layout) gets a warning naming ADDRESS_BEYOND_PA_SIZE; rfc-v2-el2,
 * whose registers are valid, gets none.
 */
class WalkAndRunWarnAboutInvalidRegistersTest {
    @Test
    void walkAndRunNameTheRegisterErrors() {
        for (String[] args : new String[][] {{"walk", "../scenarios/rfc-v2-el2h.yaml", "0x40080000"}, {"run", "../scenarios/rfc-v2-el2h.yaml", "--budget", "10"}}) {
            CliRun r = CliRun.of(args);
            assertTrue(r.err().contains("warning: ../scenarios/rfc-v2-el2h.yaml:") && r.err().contains("ADDRESS_BEYOND_PA_SIZE(1007) TTBR0_EL2.BADDR"), r.toString());
        }
        CliRun ok = CliRun.of("walk", "../scenarios/rfc-v2-el2.yaml", "0x40080000");
        assertFalse(ok.err().contains("warning"), ok.toString());
    }
}
